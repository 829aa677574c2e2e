/*
 * glonass-dispatch: a vehicle's last hour of track, shown from its popup on the live map.
 *
 *   var tracks = lastHourTrack(config, colourOf, clock);
 *   tracks.actions(layer, props)   // the popup's track button, playback link and note
 *
 * One track at a time, drawn by track.js (stretches solid, data gaps dashed) in the vehicle's
 * colour, colourOf(props); clock(ms) labels its fixes. A second click hides it.
 * config: {trackUrl, playbackUrl}.
 */
import {el, fetchFeatures} from './live_map_util.js';
import {draw as drawTrack} from './track.js';

function lastHourTrack(config, colourOf, clock) {
  var track = {group: null, id: null, note: {}};

  function actions(layer, p) {
    var actions = el('div', 'gd-popup-actions');
    var shown = track.id === String(p.id);
    var button = el('button', 'gd-popup-button', shown ? 'Скрыть трек' : 'Трек за последний час');
    button.type = 'button';
    button.setAttribute('data-track-button', String(p.id));
    button.addEventListener('click', function () { toggle(layer, p, button); });
    actions.appendChild(button);
    if (config.playbackUrl) {
      var link = el('a', 'gd-popup-link', 'в проигрыватель');
      var now = Date.now();
      link.href = config.playbackUrl + '?vehicle=' + encodeURIComponent(p.id) + '&from=' +
        encodeURIComponent(new Date(now - 3600000).toISOString()) + '&to=' +
        encodeURIComponent(new Date(now).toISOString());
      actions.appendChild(link);
    }
    var note = el('div', 'gd-popup-note', shown ? track.note[String(p.id)] || '' : '');
    note.setAttribute('data-track-note', '');
    actions.appendChild(note);
    return actions;
  }

  function clear() {
    if (track.group) { track.group.clearLayers(); }
    track.id = null;
  }

  function toggle(layer, p, button) {
    var map = layer._map, id = String(p.id);
    if (!map) { return; }
    var note = button.parentNode.querySelector('[data-track-note]');
    if (track.id === id) {
      clear();
      button.textContent = 'Трек за последний час';
      note.textContent = '';
      return;
    }
    if (!track.group) { track.group = L.featureGroup().addTo(map); }
    var now = Date.now();
    var url = config.trackUrl.replace('{id}', encodeURIComponent(id)) + '?from=' +
      encodeURIComponent(new Date(now - 3600000).toISOString()) + '&to=' +
      encodeURIComponent(new Date(now).toISOString());
    button.disabled = true;
    note.textContent = 'Загрузка трека…';
    fetchFeatures(url).then(function (data) {
      clear();
      var drawn = drawTrack(track.group, data, {colour: colourOf(p), clock: clock});
      track.id = id;
      track.note[id] = drawn.fixes.length ? 'За час: отметок ' + drawn.fixes.length + ', ' +
        (drawn.lengthM / 1000).toFixed(1).replace('.', ',') + ' км' +
        (drawn.gaps.length ? ', разрывов в данных ' + drawn.gaps.length : '')
        : 'За последний час отметок нет';
      note.textContent = track.note[id];
      button.textContent = 'Скрыть трек';
      if (drawn.fixes.length && !map.getBounds().contains(drawn.bounds)) {
        map.fitBounds(drawn.bounds.extend(layer.getLatLng()), {padding: [40, 40],
          maxZoom: map.getZoom()});
      }
    }, function (err) {
      note.textContent = 'Трек не загрузился: ' + (err && err.message || err);
    }).then(function () { button.disabled = false; });
  }

  return {actions: actions};
}

export {lastHourTrack};
