/*
 * glonass-dispatch: the dispatcher's live map in the browser.
 *
 * maps/pages/live_map.py renders a folium page that calls into GlonassLiveMap:
 *   var fleet = GlonassLiveMap.fleet(config, {plow: featureGroup, ...});
 *   L.realtime(fleet.source, {pointToLayer: fleet.pointToLayer,
 *                             updateFeature: fleet.updateFeature,
 *                             container: fleet.container, ...});
 *   var context = GlonassLiveMap.context(config, map, {routes: group, marks: group});
 *   fleet.attachPanel(map, realtime, legendElement, vehiclePanelElement);
 *   context.attachPanel(legendElement);
 * With no tile layer the page carries <div data-neutral-basemap="map name">: this file draws
 * the neutral basemap on that map by itself.
 * Vehicles come every few seconds; routes and marks (the context a dispatcher reads them
 * against) change rarely and are refreshed on their own slower clock.
 *
 * This file holds the neutral basemap and puts GlonassLiveMap together; the rest is in files
 * of their own, which maps/pages/live_layers.py links before this one, in this order:
 *   live_map_util.js   shared helpers (DOM nodes, fetching GeoJSON, line geometry, popups,
 *                      boxes that fold)
 *   live_vehicle_panel.js  search, filters, the vehicle card and following
 *   live_fleet.js      the vehicles: markers, clusters, popups, tracks, live counts
 *   live_context.js    clearing routes and marks under the vehicles
 * Colours and labels come from maps/styles.py through `config`, so these files hold behaviour
 * only. Names and texts come from the database and terminals: they are only ever set as text,
 * never HTML.
 */
(function (global) {
  'use strict';

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

  global.GlonassPages.onReady(function () {
    document.querySelectorAll('[data-neutral-basemap]').forEach(function (marker) {
      neutralBasemap(global.GlonassPages.foliumObject(marker.dataset.neutralBasemap));
    });
  });

  global.GlonassLiveMap = {fleet: global.GlonassLiveFleet, context: global.GlonassLiveContext};
}(window));
