/*
 * glonass-dispatch: the dispatcher's live map in the browser.
 *
 * maps/pages/live_map.py renders a folium page with hidden markers (each data-map names the map)
 * that this file turns into the live layers once the page is parsed:
 *   data-live-fleet      the vehicles (live_fleet.js), polled by a Leaflet.Realtime layer made
 *                        here, routed into the per-kind cluster layers the config names
 *   data-live-context    clearing routes and marks (live_context.js) into the named groups
 *   data-live-panel      the legend and the vehicle panel both of those fill in
 *   data-live-transit    the storm's buses on uncleared streets (transit_layer.js), offered in
 *                        the named layer control
 *   data-neutral-basemap with no tile layer, the neutral basemap
 * Vehicles come every few seconds; routes and marks (the context a dispatcher reads them
 * against) change rarely and are refreshed on their own slower clock.
 *
 * This file holds the neutral basemap and the wiring; the rest is in files
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

  var P = global.GlonassPages;

  /* The settings of the one marker carrying `attribute`, and the map it names (null: none). */
  function marked(attribute) {
    var marker = document.querySelector('[' + attribute + ']');
    return marker && {config: JSON.parse(marker.getAttribute(attribute)),
                      map: P.foliumObject(marker.dataset.map)};
  }

  /* remove_missing: the API lists offline vehicles too (online=false), so a vehicle missing
     from a full snapshot was removed from the fleet and must leave the map. */
  function startFleet(map, config) {
    var groups = {};
    Object.keys(config.groups).forEach(function (kind) {
      groups[kind] = P.foliumObject(config.groups[kind]);
    });
    var vehicles = global.GlonassLiveFleet(config, groups);
    var realtime = L.realtime(vehicles.source, {
      interval: config.pollMs, getFeatureId: vehicles.featureId,
      updateFeature: vehicles.updateFeature, removeMissing: true,
      container: vehicles.container, pointToLayer: vehicles.pointToLayer
    });
    map.addLayer(realtime._container);
    return {vehicles: vehicles, realtime: realtime};
  }

  function startContext(map, config) {
    return global.GlonassLiveContext(config, map, {
      routes: config.layers.routes && P.foliumObject(config.layers.routes),
      marks: config.layers.marks && P.foliumObject(config.layers.marks)
    });
  }

  P.onReady(function () {
    document.querySelectorAll('[data-neutral-basemap]').forEach(function (marker) {
      neutralBasemap(P.foliumObject(marker.dataset.neutralBasemap));
    });
    var fleetMarker = marked('data-live-fleet');
    var fleet = fleetMarker && startFleet(fleetMarker.map, fleetMarker.config);
    var contextMarker = marked('data-live-context');
    var context = contextMarker && startContext(contextMarker.map, contextMarker.config);
    var panel = marked('data-live-panel');
    if (panel && fleet) {
      var legend = document.getElementById(panel.config.legend);
      fleet.vehicles.attachPanel(fleetMarker.map, fleet.realtime, legend,
                                 document.getElementById(panel.config.vehicles));
      if (context) { context.attachPanel(legend); }
    }
    var transit = marked('data-live-transit');
    if (transit) {
      global.GlonassTransitLayer.live(transit.config, transit.map,
                                      P.foliumObject(transit.config.control));
    }
  });
}(window));
