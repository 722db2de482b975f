// tidings web UI: hover and click details in the article reader, focus on the finding named in
// the URL fragment, and empty filter fields left out of submitted queries. No dependencies.
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function rows(dl, pairs) {
    pairs.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === "") return;
      dl.appendChild(el("dt", null, p[0]));
      dl.appendChild(el("dd", null, p[1]));
    });
  }

  function describe(id, f) {
    var box = el("div", "finding-detail");
    box.dataset.f = id;
    var dl = el("dl");
    var conf = typeof f.confidence === "number" ? f.confidence.toFixed(2) : f.confidence;
    if (f.kind === "quote") {
      box.appendChild(el("h4", null, "Quote (" + (f.quote_kind || "?") + ")"));
      rows(dl, [["speaker", f.speaker], ["actor", f.actor_id], ["cue", f.cue], ["content", f.content],
                ["medium", f.medium], ["rule", f.rule], ["confidence", conf]]);
    } else if (f.kind === "event") {
      box.appendChild(el("h4", null, "Event " + (f.code || "") + (f.name ? " " + f.name : "")));
      rows(dl, [["source", (f.source || "") + (f.source_code ? " [" + f.source_code + "]" : "")],
                ["source actor", f.source_actor_id],
                ["target", (f.target || "") + (f.target_code ? " [" + f.target_code + "]" : "")],
                ["target actor", f.target_actor_id], ["QuadClass", f.quad_class], ["Goldstein", f.goldstein],
                ["PLOVER", f.plover_type], ["date", f.date], ["place", f.place],
                ["negated", f.negated ? "yes" : ""], ["historical", f.historical ? "yes" : ""], ["modality", f.modal],
                ["evidence", f.evidence], ["rule", f.rule], ["confidence", conf]]);
    } else if (f.kind === "actor") {
      box.appendChild(el("h4", null, "Actor " + (f.actor || f.text || "")));
      rows(dl, [["text", f.text], ["actor", f.actor_id], ["code", f.code], ["country", f.country], ["role", f.role],
                ["rule", f.rule], ["confidence", conf]]);
    } else {
      box.appendChild(el("h4", null, "Entity " + (f.label || "")));
      rows(dl, [["text", f.text], ["rule", f.rule], ["confidence", conf]]);
    }
    box.appendChild(dl);
    return box;
  }

  var ORDER = { quote: 0, event: 1, actor: 2, entity: 3 };

  function findingsOf(node, data) {
    return (node.dataset.f || "").split(" ").filter(function (id) { return data[id]; })
      .sort(function (a, b) { return ORDER[data[a].kind] - ORDER[data[b].kind]; });
  }

  function highlight(ids, on) {
    ids.forEach(function (id) {
      document.querySelectorAll('[data-f~="' + CSS.escape(id) + '"]').forEach(function (n) {
        n.classList.toggle("hl", on);
      });
    });
  }

  function setupReader() {
    var script = document.getElementById("findings-data");
    var text = document.getElementById("article-text");
    if (!script || !text) return;
    var data = JSON.parse(script.textContent);
    var tip = el("div", "tip");
    tip.hidden = true;
    tip.setAttribute("role", "tooltip");
    document.body.appendChild(tip);
    var detail = document.getElementById("detail");

    text.addEventListener("mouseover", function (ev) {
      var seg = ev.target.closest(".seg");
      if (!seg) return;
      var ids = findingsOf(seg, data);
      tip.replaceChildren.apply(tip, ids.map(function (id) { return describe(id, data[id]); }));
      var r = seg.getBoundingClientRect();
      tip.style.left = Math.max(8, window.scrollX + r.left) + "px";
      tip.style.top = (window.scrollY + r.bottom + 6) + "px";
      tip.hidden = ids.length === 0;
      highlight(ids, true);
    });
    text.addEventListener("mouseout", function (ev) {
      var seg = ev.target.closest(".seg");
      if (!seg) return;
      tip.hidden = true;
      highlight(findingsOf(seg, data), false);
    });
    function pin(seg) {
      var ids = findingsOf(seg, data);
      if (detail) detail.replaceChildren.apply(detail, ids.map(function (id) { return describe(id, data[id]); }));
    }
    text.addEventListener("click", function (ev) {
      var seg = ev.target.closest(".seg");
      if (seg) pin(seg);
    });
    text.addEventListener("keydown", function (ev) {
      var seg = ev.target.closest(".seg");
      if (seg && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); pin(seg); }
    });
    document.querySelectorAll(".finding-item").forEach(function (item) {
      var ids = [item.dataset.f];
      item.addEventListener("mouseenter", function () { highlight(ids, true); });
      item.addEventListener("mouseleave", function () { highlight(ids, false); });
      item.addEventListener("click", function () {
        if (detail && data[ids[0]]) detail.replaceChildren(describe(ids[0], data[ids[0]]));
      });
    });
    var toggle = document.getElementById("show-entities");
    if (toggle) toggle.addEventListener("change", function () {
      text.classList.toggle("hide-entities", !toggle.checked);
    });

    function focusHash() {
      document.querySelectorAll(".seg.focus").forEach(function (n) { n.classList.remove("focus"); });
      var m = /^#f-(.+)$/.exec(location.hash);
      if (!m || !data[m[1]]) return;
      var segs = text.querySelectorAll('[data-f~="' + CSS.escape(m[1]) + '"]');
      segs.forEach(function (n) { n.classList.add("focus"); });
      if (segs.length) {
        segs[0].scrollIntoView({ block: "center" });
        if (detail) detail.replaceChildren(describe(m[1], data[m[1]]));
      }
    }
    window.addEventListener("hashchange", focusHash);
    focusHash();
  }

  function setupForms() {
    // Leave empty fields out of the query string, so URLs stay short and shareable.
    document.querySelectorAll("form.filters").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("input, select").forEach(function (field) {
          if (field.name && field.value === "") field.disabled = true;
        });
        setTimeout(function () {
          form.querySelectorAll("input, select").forEach(function (field) { field.disabled = false; });
        }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupReader();
    setupForms();
  });
})();
