/* Tag input: turns <input data-tag-input> holding "a, b, c" into chips. Comma or Enter adds a tag,
   Backspace in an empty entry removes the last one, × removes any. Without this script the
   field stays a comma-separated text field; the server parses and validates either way. */
(function () {
  "use strict";

  function split(text) {
    return text.split(/[,\n]/).map(function (part) { return part.trim(); }).filter(Boolean);
  }

  function key(tag) {
    return tag.replace(/^#+/, "").toLowerCase();
  }

  function enhance(input) {
    var tags = split(input.value);
    var box = document.createElement("div");
    var list = document.createElement("ul");
    var entry = document.createElement("input");
    box.className = "tag-input";
    list.className = "tag-input-tags";
    entry.type = "text";
    entry.className = "tag-input-entry";
    entry.placeholder = input.placeholder;
    entry.autocomplete = "off";
    // The label points at the visible entry; the hidden input keeps the name and carries the value.
    entry.id = input.id;
    input.id = input.id + "_value";
    if (input.getAttribute("aria-describedby")) entry.setAttribute("aria-describedby", input.getAttribute("aria-describedby"));

    function render() {
      input.value = tags.join(", ");
      list.replaceChildren.apply(list, tags.map(function (tag, index) {
        var item = document.createElement("li");
        var remove = document.createElement("button");
        item.className = "tag-input-tag";
        item.textContent = tag;
        remove.type = "button";
        remove.className = "tag-input-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + tag);
        remove.addEventListener("click", function () {
          tags.splice(index, 1);
          render();
          entry.focus();
        });
        item.appendChild(remove);
        return item;
      }));
    }

    function add(text) {
      split(text).forEach(function (tag) {
        if (!tags.some(function (known) { return key(known) === key(tag); })) tags.push(tag);
      });
      entry.value = "";
      render();
    }

    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault();  // Enter would submit the admin form
        add(entry.value);
      } else if (event.key === "Backspace" && !entry.value && tags.length) {
        tags.pop();
        render();
      }
    });
    entry.addEventListener("blur", function () { if (entry.value.trim()) add(entry.value); });
    if (input.form) input.form.addEventListener("submit", function () { if (entry.value.trim()) add(entry.value); });

    input.type = "hidden";
    box.append(list, entry);
    input.parentNode.insertBefore(box, input);
    box.addEventListener("click", function (event) { if (event.target === box || event.target === list) entry.focus(); });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-tag-input]").forEach(enhance);
  });
})();
