// meshport UI behaviours. Plain JS with no eval or inline handlers, so it runs
// under CSP `script-src 'self'`. Every behaviour is either a delegated listener
// on document or a re-scan after htmx:afterSettle, so it also works on content
// that htmx swaps in after the page has loaded.
(function () {
  "use strict";

  // --- a. Slug auto-fill ----------------------------------------------------

  // Lowercase ASCII letters and digits joined by single dashes, at most 63 chars.
  // Letters NFKD does not split into base + mark; models/validate.go has the same table.
  var spellings = { "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
  function slugify(s) {
    return s.toLowerCase().replace(/[ßæøœłđðþı]/g, function (c) { return spellings[c]; }).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
      .slice(0, 63).replace(/-+$/, ""); // cutting at 63 may leave a trailing dash
  }

  // The "touched" flag lives on the form, not the slug input, so it survives
  // htmx live validation swapping the slug field out and back in.
  function scopeOf(el) { return el.closest("form") || document.body; }

  // An edit form whose slug already has a value starts touched: a rename must
  // not silently change an existing identifier.
  function initSlugs() {
    document.querySelectorAll("[data-slug-target]").forEach(function (slug) {
      var scope = scopeOf(slug);
      if (scope.dataset.slugTouched === undefined) {
        scope.dataset.slugTouched = String(slug.value.trim() !== "");
      }
    });
  }

  var filling = false; // true while we fire events on the slug ourselves

  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!(el instanceof Element)) return;
    if (el.matches("[data-slug-target]") && !filling) {
      // A hand edit; clearing the field hands it back to auto-fill.
      scopeOf(el).dataset.slugTouched = String(el.value !== "");
    } else if (el.matches("[data-slug-source]")) {
      var scope = scopeOf(el);
      var slug = scope.querySelector("[data-slug-target]");
      if (!slug || scope.dataset.slugTouched === "true") return;
      var next = slugify(el.value);
      if (slug.value === next) return;
      slug.value = next;
      filling = true; // so our own events don't mark the slug touched
      try { // let htmx live validation (hx-trigger input/change) see the new value
        slug.dispatchEvent(new Event("input", { bubbles: true }));
        slug.dispatchEvent(new Event("change", { bubbles: true }));
      } finally { filling = false; }
    }
  });

  // --- b. aria-invalid follows the text of each .field-error -----------------

  function syncInvalid() {
    document.querySelectorAll(".field-error[id]").forEach(function (err) {
      var bad = err.textContent.trim() !== "";
      var sel = '[aria-describedby~="' + CSS.escape(err.id) + '"]';
      document.querySelectorAll("input" + sel + ", select" + sel + ", textarea" + sel)
        .forEach(function (f) {
          if (bad) f.setAttribute("aria-invalid", "true");
          else f.removeAttribute("aria-invalid");
        });
    });
  }

  // --- c. Initial focus: first invalid field, else [data-autofocus] ----------

  function initialFocus() {
    var bad = document.querySelector('form[data-focus-error] [aria-invalid="true"]');
    var el = bad || document.querySelector("[data-autofocus]");
    if (el) el.focus();
  }

  // --- d-g. Click behaviours ---------------------------------------------------

  function copyText(btn) {
    var src = document.getElementById(btn.dataset.copy);
    if (!src) return;
    if (btn.dataset.copyLabel === undefined) btn.dataset.copyLabel = btn.textContent;
    function done(label) {
      btn.textContent = label;
      clearTimeout(btn.copyTimer);
      btn.copyTimer = setTimeout(function () { btn.textContent = btn.dataset.copyLabel; }, 2000);
    }
    // Plain-http origins have no Clipboard API: select the text (so Ctrl+C
    // works) and try the legacy copy command.
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(src);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (_) { /* unsupported */ }
      done(ok ? "Copied" : "Press Ctrl+C");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(src.textContent.trim())
        .then(function () { done("Copied"); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (e) {
    if (!(e.target instanceof Element)) return;
    var btn = e.target.closest("[data-remove-row], [data-dismiss], [data-copy]");
    if (!btn) return;
    if (btn.matches("[data-remove-row]")) {
      var row = btn.closest("[data-row]");
      if (!row) return;
      e.preventDefault(); // never submit the form
      var group = row.closest("fieldset");
      var form = row.closest("form");
      row.remove();
      // Forms that judge the whole edit live (the contract editor) hear of it.
      if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
      // The removed button had focus; put it somewhere sensible, not <body>.
      var add = group && group.querySelector("[data-add-row]");
      if (add) add.focus();
    } else if (btn.matches("[data-dismiss]")) {
      var flash = btn.closest(".flash");
      if (flash) flash.remove();
    } else {
      e.preventDefault();
      copyText(btn);
    }
  });

  // --- f. Confirm before submitting form[data-confirm] -----------------------

  // Capture phase: runs before htmx's own submit listener on the form, so a
  // declined confirm also stops hx-post forms (use data-confirm OR hx-confirm).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.matches("form[data-confirm]") &&
        !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  // --- g. Header search typeahead (form[data-typeahead]) ----------------------

  // The suggestions are a listbox the input controls (ARIA combobox): arrow
  // keys move the active option, Enter opens it, Escape closes the list.
  // Without an active option, Enter submits to the search page.
  function typeaheadOptions(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }
  function setActive(input, options, index) {
    options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }
  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!(input instanceof HTMLInputElement) || !input.closest("form[data-typeahead]")) return;
    var options = typeaheadOptions(input);
    var current = options.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!options.length) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? current + 1 : current - 1;
      if (next >= options.length) next = 0;
      if (next < 0) next = options.length - 1;
      setActive(input, options, next);
    } else if (e.key === "Enter" && current >= 0) {
      var link = options[current].querySelector("a");
      if (link) { e.preventDefault(); window.location.href = link.href; }
    } else if (e.key === "Escape") {
      if (options.length) e.preventDefault(); // close the list, keep the text
      var list = document.getElementById(input.getAttribute("aria-controls"));
      if (list) list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      setActive(input, [], -1);
    }
  });
  // However Enter reaches the form (a keypress after the keydown), an
  // active option wins over the search page.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-typeahead]")) return;
    var input = form.querySelector("[aria-activedescendant]");
    var option = input && document.getElementById(input.getAttribute("aria-activedescendant"));
    var link = option && option.querySelector("a");
    if (link) { e.preventDefault(); window.location.href = link.href; }
  }, true);
  document.addEventListener("htmx:afterSwap", function (e) {
    var list = e.target;
    if (!(list instanceof Element) || !list.matches(".search-suggestions")) return;
    var input = document.querySelector("[aria-controls='" + list.id + "']");
    if (input) {
      input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      var status = input.form && input.form.querySelector("[data-suggestion-count]");
      var n = list.querySelectorAll("[role=option]:not(.suggestion-all)").length;
      if (status) status.textContent = n === 1 ? "1 suggestion" : n + " suggestions";
    }
  });
  document.addEventListener("click", function (e) {
    if (e.target instanceof Element && e.target.closest("form[data-typeahead]")) return;
    document.querySelectorAll("form[data-typeahead]").forEach(function (form) {
      var input = form.querySelector("[aria-controls]");
      var list = input && document.getElementById(input.getAttribute("aria-controls"));
      if (list) list.innerHTML = "";
      if (input) { input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
    });
  });

  // --- Wiring ----------------------------------------------------------------

  function refresh() { initSlugs(); syncInvalid(); }
  function onReady() { refresh(); initialFocus(); }
  document.addEventListener("htmx:afterSettle", refresh);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
})();
