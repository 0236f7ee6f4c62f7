"""Tests of the framework-free signing adapters."""
