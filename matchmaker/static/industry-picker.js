// The industry picker: turns <select data-industry-picker> into a searchable tree with chips.
// Without JavaScript the select itself is the choice (the middle level of the classification).
// The whole tree comes from a cached JSON file (data-source: [[code, parent, name], ...]) in the
// page's language; chosen codes are kept as selected <option>s of the original select, so the
// form posts exactly what it posts without this script.
(function () {
  "use strict";
  var MAX_RESULTS = 60;
  var counter = 0;

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase();
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function Picker(select, nodes) {
    var self = this;
    this.select = select;
    this.multiple = select.multiple;
    this.max = parseInt(select.dataset.max || "0", 10) || 0;
    this.byCode = {};
    this.nodes = [];  // in the classification's order (an object's keys would put "24" before "01")
    this.children = { "": [] };
    nodes.forEach(function (n) {
      var node = { code: n[0], parent: n[1], name: n[2], key: norm(n[0] + " " + n[2]) };
      self.byCode[node.code] = node;
      self.nodes.push(node);
      (self.children[node.parent] = self.children[node.parent] || []).push(node);
    });
    this.browsing = "";  // the code whose children are listed when the search box is empty
    this.active = -1;
    this.build();
    this.renderChips();
  }

  Picker.prototype.path = function (code) {
    var out = [];
    var node = this.byCode[code];
    while (node) { out.unshift(node); node = this.byCode[node.parent]; }
    return out;
  };

  Picker.prototype.chosen = function () {
    return Array.prototype.filter.call(this.select.options, function (o) { return o.selected && o.value; })
      .map(function (o) { return o.value; });
  };

  Picker.prototype.build = function () {
    var s = this.select, d = s.dataset, id = "industry-picker-" + (++counter);
    this.wrap = el("div", "industry-picker");
    this.chips = el("ul", "industry-picker-chips list-unstyled d-flex flex-wrap gap-1 mb-1");
    this.chips.setAttribute("aria-label", d.labelChosen || "");
    this.input = el("input", "form-control");
    this.input.type = "text";
    this.input.id = id + "-input";
    this.input.autocomplete = "off";
    this.input.placeholder = d.labelSearch || "";
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", id + "-list");
    this.list = el("ul", "industry-picker-list list-group");
    this.list.id = id + "-list";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    this.status = el("div", "visually-hidden");
    this.status.setAttribute("aria-live", "polite");
    // the select's label now names the search box
    var label = document.querySelector("label[for='" + s.id + "']");
    if (label) label.htmlFor = this.input.id;
    s.hidden = true;
    s.tabIndex = -1;
    s.parentNode.insertBefore(this.wrap, s);
    this.wrap.appendChild(this.chips);
    this.wrap.appendChild(this.input);
    this.wrap.appendChild(this.list);
    this.wrap.appendChild(this.status);
    var self = this;
    this.input.addEventListener("input", function () { self.browsing = ""; self.open(); });
    this.input.addEventListener("focus", function () { self.open(); });
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    this.wrap.addEventListener("focusout", function (e) {
      if (!self.wrap.contains(e.relatedTarget)) self.close();
    });
  };

  Picker.prototype.renderChips = function () {
    var self = this;
    this.chips.textContent = "";
    this.chosen().forEach(function (code) {
      var node = self.byCode[code];
      var li = el("li", "badge rounded-pill text-bg-light border d-inline-flex align-items-center gap-1 fw-normal");
      var path = self.path(code);
      li.appendChild(el("span", "text-wrap text-start", node ? node.name : code));
      if (path.length > 1) li.title = path.map(function (n) { return n.name; }).join(" › ");
      var x = el("button", "btn-close btn-close-sm");
      x.type = "button";
      x.setAttribute("aria-label", (self.select.dataset.labelRemove || "") + " " + (node ? node.name : code));
      x.addEventListener("click", function () { self.toggle(code, false); self.input.focus(); });
      li.appendChild(x);
      self.chips.appendChild(li);
    });
  };

  Picker.prototype.option = function (code) {
    var found = null;
    Array.prototype.forEach.call(this.select.options, function (o) { if (o.value === code) found = o; });
    if (!found) {
      found = new Option(this.byCode[code] ? this.byCode[code].name : code, code);
      this.select.appendChild(found);
    }
    return found;
  };

  Picker.prototype.toggle = function (code, on) {
    var d = this.select.dataset;
    if (on && !this.multiple) {
      Array.prototype.forEach.call(this.select.options, function (o) { o.selected = false; });
    } else if (on && this.max && this.chosen().length >= this.max) {
      this.status.textContent = d.labelMax || "";
      this.showMessage(d.labelMax || "");
      return;
    }
    this.option(code).selected = on;
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.renderChips();
    var node = this.byCode[code];
    this.status.textContent = (on ? (d.labelAdded || "") : (d.labelRemoved || "")) + " " + (node ? node.name : code);
    if (!this.multiple && on) { this.input.value = ""; this.close(); } else { this.open(); }
  };

  Picker.prototype.showMessage = function (text) {
    var li = el("li", "list-group-item small text-danger", text);
    this.list.insertBefore(li, this.list.firstChild);
  };

  Picker.prototype.results = function () {
    var q = norm(this.input.value.trim());
    if (!q) return (this.children[this.browsing] || []).slice();
    var words = q.split(/\s+/);
    var out = [];
    for (var i = 0; i < this.nodes.length && out.length < MAX_RESULTS; i++) {
      var node = this.nodes[i];
      if (words.every(function (w) { return node.key.indexOf(w) !== -1; })) out.push(node);
    }
    return out;
  };

  Picker.prototype.open = function () {
    var self = this, d = this.select.dataset, chosen = this.chosen();
    var items = this.results();
    this.list.textContent = "";
    this.options = [];
    if (!this.input.value.trim() && this.browsing) {
      var up = this.byCode[this.browsing];
      this.addRow({ back: true, code: up.parent, name: "← " + (up.parent ? this.byCode[up.parent].name : (d.labelAll || "")) });
    }
    items.forEach(function (node) { self.addRow(node, chosen.indexOf(node.code) !== -1); });
    if (!items.length) this.list.appendChild(el("li", "list-group-item small text-muted", d.labelNone || ""));
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.setActive(Math.min(Math.max(this.active, 0), this.options.length - 1));
  };

  Picker.prototype.addRow = function (node, selected) {
    var self = this;
    var li = el("li", "list-group-item list-group-item-action d-flex justify-content-between align-items-start gap-2");
    li.id = this.list.id + "-" + this.options.length;
    li.setAttribute("role", "option");
    li.tabIndex = -1;
    var text = el("div", "text-start");
    text.appendChild(el("div", node.back ? "small" : "", node.name));
    if (!node.back && this.input.value.trim()) {
      var path = this.path(node.code).slice(0, -1).map(function (n) { return n.name; }).join(" › ");
      if (path) text.appendChild(el("div", "small text-muted", path));
    }
    li.appendChild(text);
    if (!node.back) {
      li.setAttribute("aria-selected", selected ? "true" : "false");
      if (selected) li.classList.add("active");
      if (this.children[node.code]) {
        var more = el("button", "btn btn-sm btn-link py-0 text-nowrap", (this.select.dataset.labelOpen || "") + " ›");
        more.type = "button";
        more.tabIndex = -1;
        more.setAttribute("aria-label", (this.select.dataset.labelOpen || "") + ": " + node.name);
        more.addEventListener("mousedown", function (e) { e.preventDefault(); });
        more.addEventListener("click", function (e) { e.stopPropagation(); self.drill(node.code); });
        li.appendChild(more);
      }
    }
    li.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the focus in the box
    li.addEventListener("click", function () { self.choose(node); });
    this.list.appendChild(li);
    this.options.push(node);
  };

  Picker.prototype.drill = function (code) {
    this.browsing = code || "";
    this.input.value = "";
    this.active = 0;
    this.open();
    this.input.focus();
  };

  Picker.prototype.choose = function (node) {
    if (node.back) { this.drill(node.code); return; }
    this.toggle(node.code, this.chosen().indexOf(node.code) === -1);
  };

  Picker.prototype.setActive = function (i) {
    var rows = this.list.querySelectorAll("[role=option]");
    this.active = i;
    Array.prototype.forEach.call(rows, function (r, j) { r.classList.toggle("focus", j === i); });
    if (i >= 0 && rows[i]) {
      this.input.setAttribute("aria-activedescendant", rows[i].id);
      rows[i].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.key = function (e) {
    var n = this.options ? this.options.length : 0, node = this.options && this.options[this.active];
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (this.list.hidden) this.open(); else this.setActive(Math.min(this.active + 1, n - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      this.setActive(Math.max(this.active - 1, 0));
    } else if (e.key === "Enter") {
      if (!this.list.hidden && node) { e.preventDefault(); this.choose(node); }
    } else if (e.key === "ArrowRight" && node && !node.back && this.children[node.code] && !this.input.value) {
      e.preventDefault();
      this.drill(node.code);
    } else if (e.key === "ArrowLeft" && this.browsing && !this.input.value) {
      e.preventDefault();
      this.drill(this.byCode[this.browsing].parent);
    } else if (e.key === "Escape") {
      if (!this.list.hidden) { e.preventDefault(); this.close(); }
    } else if (e.key === "Backspace" && !this.input.value && this.multiple) {
      var chosen = this.chosen();
      if (chosen.length) this.toggle(chosen[chosen.length - 1], false);
    }
  };

  var selects = document.querySelectorAll("select[data-industry-picker][data-source]");
  if (!selects.length || !window.fetch) return;
  fetch(selects[0].dataset.source, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (nodes) {
      Array.prototype.forEach.call(selects, function (s) { new Picker(s, nodes); });
    })
    .catch(function () { /* the plain select still works */ });
})();
