// Nieuw pakket: show only the blocks that apply to what has been chosen so far.
// Progressive enhancement: without this script (or without CSS :has) the form shows every
// block and still works; the server checks everything again.
(function () {
  "use strict";
  var form = document.querySelector("form.new-package");
  if (!form) { return; }

  function chosen(name) {
    var input = form.querySelector("input[name='" + name + "']:checked");
    return input ? input.value : "";
  }

  function isMember(source) {
    var select = form.querySelector(source === "bestaand" ? "#organisation_id" : "#cbs_code");
    var option = select && select.options[select.selectedIndex];
    return Boolean(option && option.dataset.lid === "ja");
  }

  function show(selector, visible) {
    form.querySelectorAll(selector).forEach(function (block) { block.hidden = !visible; });
  }

  function update() {
    var source = chosen("org_source");
    var solutions = Array.prototype.some.call(
      form.querySelectorAll(".solution-row select"), function (s) { return s.value !== ""; });
    show(".org-bestaand", source === "bestaand");
    show(".org-gemeente", source === "gemeente");
    show(".org-anders", source === "anders");
    show(".org-address", source === "gemeente" || source === "anders");
    show(".participant-warning", chosen("involvement") === "participant" && solutions &&
         !((source === "bestaand" || source === "gemeente") && isMember(source)));
  }

  form.addEventListener("change", update);
  update();
}());
