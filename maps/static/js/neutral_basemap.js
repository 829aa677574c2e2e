/*
 * glonass-dispatch: the neutral basemap of every map page that has no tile layer.
 *
 * maps/pages/live_layers.py NeutralBasemap leaves a hidden marker, data-neutral-basemap, naming
 * the map; once the page is parsed this draws a faint grid on that map. Every map page's own
 * script imports this module, so the grid is there whichever page it is.
 */
import {foliumObject, onReady} from './pages.js';

/* With no basemap, a faint grid that pans and zooms with the map, drawn locally (no request),
   so moving the map is visibly moving something. */
function neutralBasemap(map) {
  map.getContainer().classList.add('gd-no-basemap');
  var Grid = L.GridLayer.extend({
    createTile: function () {
      var size = this.getTileSize(), ratio = window.devicePixelRatio || 1;
      var canvas = document.createElement('canvas');
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      var ctx = canvas.getContext('2d');
      ctx.scale(ratio, ratio);
      ctx.lineWidth = 1;
      for (var i = 0; i < 4; i += 1) {
        var at = i * size.x / 4 + 0.5;
        ctx.strokeStyle = i === 0 ? 'rgba(60, 80, 100, 0.12)' : 'rgba(60, 80, 100, 0.05)';
        ctx.beginPath();
        ctx.moveTo(at, 0); ctx.lineTo(at, size.y);
        ctx.moveTo(0, at); ctx.lineTo(size.x, at);
        ctx.stroke();
      }
      return canvas;
    }
  });
  new Grid({zIndex: 0, updateWhenZooming: false, className: 'gd-grid'}).addTo(map);
}

onReady(function () {
  document.querySelectorAll('[data-neutral-basemap]').forEach(function (marker) {
    neutralBasemap(foliumObject(marker.dataset.neutralBasemap));
  });
});
