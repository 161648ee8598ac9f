// "Insert in text": the {ref} of the person chosen in the row ("Name (ref)", as the
// suggestions give it) goes in at the cursor. Without JavaScript, or for a name typed
// without its reference, the button submits the form and the server appends it instead.
(function () {
  var form = document.getElementById("item-form");
  var text = document.getElementById("text");
  if (!form || !text) return;
  form.querySelectorAll("button.insert-person").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var input = button.closest(".person-row").querySelector("input[list]");
      var found = input && /\(([^()]+)\)\s*$/.exec(input.value);
      var ref = found && found[1].trim();
      if (!ref) return;  // nobody chosen: the server says so
      event.preventDefault();
      var token = "{" + ref + "}";
      var start = text.selectionStart, end = text.selectionEnd;
      var before = text.value.slice(0, start), after = text.value.slice(end);
      if (before && !/\s$/.test(before)) token = " " + token;
      if (after && !/^\s/.test(after)) token = token + " ";
      text.value = before + token + after;
      text.focus();
      text.selectionStart = text.selectionEnd = start + token.length;
      text.dispatchEvent(new Event("input", { bubbles: true }));  // counter, preview, warnings
    });
  });
})();
