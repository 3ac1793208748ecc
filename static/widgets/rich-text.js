/* Rich-text editor: turns <textarea data-rich-text> into a contenteditable area with a small toolbar and
   a live preview. The preview keeps only the tags, attributes and link schemes the server's sanitiser
   allows (given by the textarea's data attributes); the server sanitises again on save. Without this
   script the textarea stays an HTML field and the preview shows the last saved rendering. */
(function () {
  "use strict";

  var BUTTONS = [
    ["bold", "Bold", "B"], ["italic", "Italic", "I"], ["underline", "Underline", "U"],
    ["h2", "Heading", "H2"], ["h3", "Subheading", "H3"], ["p", "Paragraph", "¶"],
    ["ul", "Bulleted list", "• List"], ["ol", "Numbered list", "1. List"], ["blockquote", "Quote", "“ ”"],
    ["link", "Link", "Link"], ["unlink", "Remove link", "Unlink"], ["clear", "Clear formatting", "Clear"],
    ["html", "Edit the HTML", "HTML"],
  ];
  var DROPPED_WITH_CONTENT = { script: true, style: true };  // as the server's sanitiser does

  function sanitiser(textarea) {
    var tags = new Set(textarea.dataset.allowedTags.split(" "));
    var attributes = JSON.parse(textarea.dataset.allowedAttributes || "{}");
    var schemes = new Set(textarea.dataset.allowedSchemes.split(" "));

    function urlAllowed(value) {
      var scheme = /^\s*([a-z][a-z0-9+.\-]*):/i.exec(value);
      return !scheme || schemes.has(scheme[1].toLowerCase());
    }

    function copyInto(source, target) {
      Array.prototype.forEach.call(source.childNodes, function (node) {
        if (node.nodeType === Node.TEXT_NODE) {
          target.appendChild(document.createTextNode(node.nodeValue));
        } else if (node.nodeType === Node.ELEMENT_NODE && !DROPPED_WITH_CONTENT[node.localName]) {
          if (!tags.has(node.localName)) {
            copyInto(node, target);  // an unknown tag goes, its text stays
            return;
          }
          var element = document.createElement(node.localName);
          (attributes[node.localName] || []).forEach(function (name) {
            var value = node.getAttribute(name);
            if (value !== null && (name !== "href" || urlAllowed(value))) element.setAttribute(name, value);
          });
          if (node.localName === "a") element.setAttribute("rel", "noopener noreferrer nofollow");
          copyInto(node, element);
          target.appendChild(element);
        }
      });
      return target;
    }

    // Parsed in an inert document: nothing in `html` runs or loads.
    return function (html) {
      var parsed = new DOMParser().parseFromString(html, "text/html");
      return copyInto(parsed.body, document.createDocumentFragment());
    };
  }

  function run(command) {
    switch (command) {
      case "h2": case "h3": case "p": case "blockquote":
        return document.execCommand("formatBlock", false, command);
      case "ul": return document.execCommand("insertUnorderedList");
      case "ol": return document.execCommand("insertOrderedList");
      case "link":
        var url = window.prompt("Link address (https://…)");
        return url && document.execCommand("createLink", false, url);
      case "clear": return document.execCommand("removeFormat");
      default: return document.execCommand(command);
    }
  }

  function enhance(textarea) {
    var sanitise = sanitiser(textarea);
    var preview = document.getElementById(textarea.id + "_preview");
    var box = document.createElement("div");
    var toolbar = document.createElement("div");
    var editor = document.createElement("div");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    box.className = "rich-text";
    toolbar.className = "rich-text-toolbar";
    toolbar.setAttribute("role", "toolbar");
    editor.className = "rich-text-editor";
    editor.id = textarea.id + "_editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    if (label) editor.setAttribute("aria-label", label.textContent.replace(/:\s*$/, ""));
    editor.appendChild(sanitise(textarea.value));
    if (!editor.textContent.trim()) editor.innerHTML = "<p><br></p>";

    BUTTONS.forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.command = spec[0];
      button.title = spec[1];
      button.setAttribute("aria-label", spec[2] + " (" + spec[1] + ")");  // the name starts with what is shown
      button.textContent = spec[2];
      toolbar.appendChild(button);
    });

    function fromEditor() {
      textarea.value = editor.innerHTML;
      if (preview) preview.replaceChildren(sanitise(editor.innerHTML));
    }
    function fromTextarea() {
      editor.replaceChildren(sanitise(textarea.value));
      if (preview) preview.replaceChildren(sanitise(textarea.value));
    }

    toolbar.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.command === "html") {
        textarea.hidden = !textarea.hidden;
        editor.hidden = !textarea.hidden;
        button.setAttribute("aria-pressed", String(!textarea.hidden));
        (textarea.hidden ? editor : textarea).focus();
        return;
      }
      editor.focus();
      run(button.dataset.command);
      fromEditor();
    });
    editor.addEventListener("input", fromEditor);
    textarea.addEventListener("input", fromTextarea);

    textarea.hidden = true;
    textarea.parentNode.insertBefore(box, textarea);
    box.append(toolbar, editor, textarea);
    document.execCommand("defaultParagraphSeparator", false, "p");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-rich-text]").forEach(enhance);
  });
})();
