"""Service functions: what the pages, the API, the webhooks and the jobs ask the service to do.

Each takes ids or plain values (never a request), applies the domain rules, changes the store
and writes the timeline. Views stay thin: parse input, check access, call one function, render.
"""
