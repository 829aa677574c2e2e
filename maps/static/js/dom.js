/*
 * glonass-dispatch: the DOM helpers every page script shares (imported by the others).
 *
 *   el(tag, className, text)     // an element; the text is set as text, never HTML
 *   svgEl(tag, attrs)            // an SVG element; null/undefined attributes left out
 *   own(obj, key)                // a table look-up that ignores inherited keys
 *   symbolElement(symbol, size)  // a mark's symbol (maps/styles.py) as inline SVG
 */
var SVG_NS = 'http://www.w3.org/2000/svg';

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

function svgEl(tag, attrs) {
  var node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs).forEach(function (k) {
    if (attrs[k] !== null && attrs[k] !== undefined) { node.setAttribute(k, String(attrs[k])); }
  });
  return node;
}

function own(obj, key) {
  return obj !== null && obj !== undefined && key !== null && key !== undefined &&
    Object.prototype.hasOwnProperty.call(obj, key);
}

function symbolElement(symbol, size) {
  var svg = svgEl('svg', {viewBox: '0 0 24 24', width: size, height: size,
    'class': 'gd-mark-symbol', 'aria-hidden': 'true'});
  symbol.forEach(function (part) {
    svg.appendChild(svgEl('path', {d: part.d, fill: part.fill, stroke: part.stroke,
      'stroke-width': part.strokeWidth}));
  });
  return svg;
}

export {el, svgEl, own, symbolElement};
