// Shared by every posture-kg page: DOM helpers, the page data, text-only rendering, ISO days.
// Article text is untrusted: it reaches the DOM only through textContent, never innerHTML.
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function readData() {
    var block = $("kg-data");
    return block ? JSON.parse(block.textContent) : null;
  }
  // one <dt>/<dd> pair; empty values are left out
  function kv(dl, key, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", null, key));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join("; ") : String(value);
    dl.appendChild(dd);
  }
  // an http(s) URL as a link that opens apart from the page; anything else as text
  function link(url) {
    if (!/^https?:\/\//i.test(url)) return document.createTextNode(url);
    var a = el("a", null, url);
    a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  var DAY = 86400000;
  // "2024-03-26" -> days since 1970-01-01 (UTC); NaN for anything else
  function dayNumber(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY) : NaN;
  }
  function isoDay(day) { return new Date(day * DAY).toISOString().slice(0, 10); }
  window.KG = {$: $, el: el, readData: readData, kv: kv, link: link, dayNumber: dayNumber, isoDay: isoDay};
})();
