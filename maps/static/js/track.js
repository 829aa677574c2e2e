/*
 * glonass-dispatch: one vehicle's track on a map, as the live map's popup and playback draw it.
 *
 *   var drawn = draw(layerGroup, featureCollection, {colour: '#1565c0', ...});
 *
 * `featureCollection` is GET /api/vehicles/{id}/track: one Feature per unbroken stretch of
 * fixes (a LineString, or a Point when a stretch has one fix), with per-fix arrays (times,
 * speed_kmh, course_deg, valid, inputs, equipment) aligned with the coordinates. With
 * `options.colourOf(fix)` the line between two fixes takes the colour of the first of them
 * (equipment state, speed band), else the whole track is `options.colour`. The server has already
 * split the fixes where they were too far apart in time; the stretches are drawn solid and
 * the silences between them dashed, so nobody mistakes a straight jump for a street driven.
 */
var GAP_COLOUR = '#78909c';

function fixesOf(feature) {
  var g = feature.geometry || {}, p = feature.properties || {};
  var coords = g.type === 'LineString' ? g.coordinates : (g.type === 'Point' ? [g.coordinates]
    : []);
  var times = p.times || [], speeds = p.speed_kmh || [], courses = p.course_deg || [];
  var inputs = p.inputs || [], valid = p.valid || [], equipment = p.equipment || [];
  return coords.map(function (c, i) {
    return {t: Date.parse(times[i] || (i === 0 ? p.start : p.end)), latlng: L.latLng(c[1], c[0]),
      speed: Number(speeds[i]) || 0, course: Number(courses[i]) || 0,
      inputs: inputs[i] === undefined ? null : inputs[i], valid: valid[i] !== false,
      equipment: typeof equipment[i] === 'boolean' ? equipment[i] : null,
      segment: Number(p.segment) || 0};
  });
}

/* Minutes/hours of silence, for the dashed line's tooltip. */
function gapText(seconds) {
  var m = Math.round(seconds / 60);
  if (m < 60) { return m + ' мин'; }
  return Math.floor(m / 60) + ' ч ' + String(m % 60).padStart(2, '0') + ' мин';
}

/* Runs of consecutive fixes whose lines share a colour; neighbouring runs share a fix. */
function colourRuns(seg, colourOf) {
  var runs = [];
  for (var i = 0; i + 1 < seg.length; i += 1) {
    var c = colourOf(seg[i]), last = runs[runs.length - 1];
    if (last && last.colour === c) { last.latlngs.push(seg[i + 1].latlng); }
    else { runs.push({colour: c, latlngs: [seg[i].latlng, seg[i + 1].latlng]}); }
  }
  return runs;
}

function draw(group, data, options) {
  var opts = options || {}, colour = opts.colour || '#1565c0', pane = opts.pane;
  var colourOf = opts.colourOf || function () { return colour; };
  var features = (data && data.features || []).slice().sort(function (a, b) {
    return (Number(a.properties && a.properties.segment) || 0) -
      (Number(b.properties && b.properties.segment) || 0);
  });
  var segments = features.map(fixesOf).filter(function (s) { return s.length > 0; });
  var bounds = L.latLngBounds([]), fixes = [], gaps = [], lengthM = 0;
  var base = pane ? {pane: pane} : {};
  var clock = opts.clock || function (t) { return new Date(t).toISOString(); };

  segments.forEach(function (seg, index) {
    var latlngs = seg.map(function (f) { return f.latlng; });
    latlngs.forEach(function (ll) { bounds.extend(ll); });
    for (var i = 1; i < latlngs.length; i += 1) { lengthM += latlngs[i - 1].distanceTo(latlngs[i]); }
    fixes = fixes.concat(seg);
    if (latlngs.length > 1) {
      group.addLayer(L.polyline(latlngs, L.extend({color: '#fff', weight: 7, opacity: 0.85,
        lineJoin: 'round', interactive: false, className: 'gd-track-casing'}, base)));
      colourRuns(seg, colourOf).forEach(function (run) {
        group.addLayer(L.polyline(run.latlngs, L.extend({color: run.colour, weight: 4,
          opacity: 0.95, lineJoin: 'round', interactive: false, className: 'gd-track-line'},
          base)));
      });
    } else {
      group.addLayer(L.circleMarker(latlngs[0], L.extend({radius: 4, color: '#fff', weight: 2,
        fillColor: colourOf(seg[0]), fillOpacity: 1, interactive: false,
        className: 'gd-track-line'},
        base)));
    }
    if (index > 0) {
      var before = segments[index - 1][segments[index - 1].length - 1], after = seg[0];
      var seconds = (after.t - before.t) / 1000;
      gaps.push({from: before.t, to: after.t, seconds: seconds});
      var gap = L.polyline([before.latlng, after.latlng], L.extend({color: GAP_COLOUR,
        weight: 3, opacity: 0.95, dashArray: '2 7', lineCap: 'round',
        className: 'gd-track-gap'}, base));
      gap.bindTooltip('Нет данных ' + gapText(seconds) + ' (' + clock(before.t) + ' – ' +
        clock(after.t) + ')', {sticky: true, className: 'gd-tooltip'});
      group.addLayer(gap);
    }
  });

  if (fixes.length) {
    var first = fixes[0], last = fixes[fixes.length - 1];
    group.addLayer(L.circleMarker(first.latlng, L.extend({radius: 6, color: '#fff', weight: 2,
      fillColor: '#2e7d32', fillOpacity: 1, className: 'gd-track-start'}, base))
      .bindTooltip('Начало: ' + clock(first.t), {className: 'gd-tooltip'}));
    group.addLayer(L.circleMarker(last.latlng, L.extend({radius: 6, color: '#fff', weight: 2,
      fillColor: '#263238', fillOpacity: 1, className: 'gd-track-end'}, base))
      .bindTooltip('Конец: ' + clock(last.t), {className: 'gd-tooltip'}));
  }
  return {bounds: bounds, fixes: fixes, gaps: gaps, segments: segments.length,
    lengthM: lengthM};
}

/* Where the vehicle was at time t: interpolated inside a stretch, held at the last fix in a
   gap ({gap: true}), null before the first fix. */
function positionAt(fixes, t) {
  if (!fixes.length || t < fixes[0].t) { return null; }
  var lo = 0, hi = fixes.length - 1;
  if (t >= fixes[hi].t) { return {fix: fixes[hi], latlng: fixes[hi].latlng, index: hi, gap: false}; }
  while (hi - lo > 1) {
    var mid = (lo + hi) >> 1;
    if (fixes[mid].t <= t) { lo = mid; } else { hi = mid; }
  }
  var a = fixes[lo], b = fixes[hi];
  if (a.segment !== b.segment) { return {fix: a, latlng: a.latlng, index: lo, gap: true}; }
  var f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0;
  return {fix: a, index: lo, gap: false, latlng: L.latLng(a.latlng.lat + (b.latlng.lat -
    a.latlng.lat) * f, a.latlng.lng + (b.latlng.lng - a.latlng.lng) * f)};
}

export {draw, positionAt, fixesOf};
