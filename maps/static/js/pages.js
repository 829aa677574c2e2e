/*
 * glonass-dispatch: what every dispatcher page shares (every page's script imports it).
 *
 *   (the bar, <header data-appbar>, is filled in on its own: who is signed in, "Войти" / "Выйти")
 *   pageConfig()                              // the page's settings, <main data-page-config>
 *   startMapPanel(selector, start)            // start(config, map, panel) once the page is built
 *   foliumObject(name)                        // a map, layer or control Folium declared
 *   onReady(then)                             // then() once the page is parsed
 *   session()                                 // Promise of GET /api/session, asked once
 *   getJSON(url) / sendJSON(method, url, body)  // the API, CSRF header included
 *   sendText(method, url, text)               // JSON text sent as is (an uploaded file)
 *   problem(err)                              // what went wrong, in Russian, with the code
 *   timeWindow(panel, T, onPreset)            // a panel's from/to inputs and preset buttons
 *
 * Times, durations and numbers as a person reads them are in formats.js.
 * Texts from the server are only ever set as text, never as HTML.
 */
import {el, svgEl, own, symbolElement} from './dom.js';

/* ------------------------------------------------------------------------------- the API */

/* What an HTTP status means to the person at the screen. */
var STATUS_TEXT = {400: 'неверный запрос', 401: 'нужно войти', 403: 'нет прав',
  404: 'не найдено', 409: 'конфликт с другими изменениями', 413: 'слишком большой запрос',
  429: 'слишком много запросов, подождите', 502: 'сервер недоступен',
  503: 'сервер временно не может ответить', 504: 'сервер не ответил вовремя'};

function statusText(status) {
  var text = STATUS_TEXT[status] || (status >= 500 ? 'ошибка на сервере' : 'запрос отклонён');
  return text + ' (HTTP ' + status + ')';
}

/* An error for a status line: what the status means in Russian and its code (the server's
   own text, which may be technical, stays in err.message for forms that show it). */
function problem(err) {
  if (err && err.status) { return statusText(err.status); }
  return String(err && err.message || err);
}

function ApiError(status, body, fallback) {
  this.status = status;
  this.body = body || null;
  this.detail = body && body.detail !== undefined ? body.detail : null;
  this.message = body && body.error ? String(body.error) : fallback;
}
ApiError.prototype = Object.create(Error.prototype);

function readBody(response) {
  if (response.status === 204) { return Promise.resolve(null); }
  return response.text().then(function (text) {
    if (!text) { return null; }
    try { return JSON.parse(text); } catch (e) { return {error: text.slice(0, 200)}; }
  });
}

/* `text`: the body is already JSON text (a file as the user gave it), sent as is. */
function request(method, url, body, csrf, text) {
  var headers = {Accept: 'application/json'};
  if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
  if (csrf) { headers['X-CSRF-Token'] = csrf; }
  return fetch(url, {method: method, credentials: 'same-origin', cache: 'no-cache',
    headers: headers, body: body === undefined ? undefined : text ? body
      : JSON.stringify(body)})
    .then(function (response) {
      return readBody(response).then(function (data) {
        if (!response.ok) {
          throw new ApiError(response.status, data, statusText(response.status));
        }
        return data;
      });
    }, function (err) {
      throw new ApiError(0, null, 'сервер недоступен (' + (err && err.message || err) + ')');
    });
}

function getJSON(url) { return request('GET', url); }

var sessionPromise = null;

/* Where to ask who is signed in: the bar's data-appbar says (null: a page without sign-in);
   a page without the bar asks the API's own address. */
function sessionUrl() {
  var bar = document.querySelector('[data-appbar]');
  return bar ? JSON.parse(bar.dataset.appbar).sessionUrl || null : '/api/session';
}

/* Who is signed in: {user: {login, role} | null, csrf_token, anonymous_read}. Asked once. */
function session() {
  if (!sessionPromise) {
    var url = sessionUrl();
    sessionPromise = url ? getJSON(url).catch(function () {
      return {user: null, csrf_token: null, anonymous_read: true, unavailable: true};
    }) : Promise.resolve({user: null, csrf_token: null, anonymous_read: true});
  }
  return sessionPromise;
}

function sendJSON(method, url, body) {
  return session().then(function (info) {
    return request(method, url, body, info && info.csrf_token);
  });
}

function sendText(method, url, text) {
  return session().then(function (info) {
    return request(method, url, text, info && info.csrf_token, true);
  });
}

function canEdit(info, editorRoles) {
  return !!(info && info.user && (editorRoles || ['dispatcher', 'admin'])
    .indexOf(info.user.role) >= 0);
}

function loginHref(loginUrl) {
  var here = window.location.pathname + window.location.search;
  return (loginUrl || '/login') + '?next=' + encodeURIComponent(here);
}

/* ------------------------------------------------------------------------------ app bar */

function appBar(header, config) {
  var box = header.querySelector('[data-session]');
  if (!config.sessionUrl) { box.hidden = true; return; }
  session().then(function (info) {
    box.textContent = '';
    if (info && info.user) {
      var who = el('span', 'gd-session-user');
      who.appendChild(el('span', 'gd-session-avatar', info.user.login.slice(0, 1).toUpperCase()));
      who.appendChild(el('b', null, info.user.login));
      who.appendChild(el('span', 'gd-session-role',
        own(config.roles, info.user.role) ? config.roles[info.user.role] : info.user.role));
      box.appendChild(who);
      // A real form: the server answers 303 to /login and clears the cookie (SameSite=Strict
      // keeps other sites from posting it).
      var form = el('form', 'gd-logout');
      form.method = 'post';
      form.action = config.logoutUrl;
      var button = el('button', 'gd-button gd-button-quiet', 'Выйти');
      button.type = 'submit';
      button.setAttribute('data-logout', '');
      form.appendChild(button);
      box.appendChild(form);
      if (info.user.role === 'admin') {
        var nav = header.querySelector('.gd-nav');
        (config.adminLinks || []).forEach(function (link) {
          var a = el('a', null, link[1]);
          a.href = link[0];
          a.setAttribute('data-admin-link', '');
          nav.appendChild(a);
        });
      }
    } else {
      box.appendChild(el('span', 'gd-session-user gd-session-guest',
        info && info.unavailable ? 'сервер не ответил' : 'гость, только просмотр'));
      var login = el('a', 'gd-button', 'Войти');
      login.href = loginHref(config.loginUrl);
      login.setAttribute('data-login', '');
      box.appendChild(login);
    }
  });
}

/* Runs `then` once the document is parsed: a script linked in the head sees the whole page,
   and a map page's own inline scripts (Folium's) have built the map by then. */
function onReady(then) {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', then);
  } else {
    then();
  }
}

/* Every bar on the page. */
onReady(function () {
  document.querySelectorAll('[data-appbar]').forEach(function (header) {
    appBar(header, JSON.parse(header.dataset.appbar));
  });
});

/* What Folium built under `name` (Folium.get_name() in Python): Folium declares each map,
   layer and control as a page variable of that name; the map's container has it as its id.
   A `let` (Folium's layer control) is page-wide but no window property, so such a name is
   read by a function made in the page's global scope; only a plain identifier gets there. */
function foliumObject(name) {
  if (name in window) { return window[name]; }
  if (!/^[A-Za-z_]\w*$/.test(name)) { throw new Error('not a Folium name: ' + name); }
  return new Function('return ' + name)();
}

/* A map page's side panel starts itself: start(config, map, panel) with the settings of the
   panel's data-config and the page's Leaflet map. */
function startMapPanel(selector, start) {
  onReady(function () {
    var panel = document.querySelector(selector);
    if (panel) {
      start(JSON.parse(panel.dataset.config),
            foliumObject(document.querySelector('.folium-map').id), panel);
    }
  });
}

/* The settings an app page's builder hands its scripts (empty on a page without them). */
function pageConfig() {
  var main = document.querySelector('[data-page-config]');
  return main ? JSON.parse(main.dataset.pageConfig) : {};
}

/* ------------------------------------------------------------------------ map helpers */

/* Points at fractions along a line in screen-projected space, with the heading there. */
function along(map, latlngs, fractions) {
  var crs = map.options.crs, pts = latlngs.map(function (ll) { return crs.project(ll); });
  var lengths = [], total = 0;
  for (var i = 1; i < pts.length; i += 1) {
    var d = pts[i].distanceTo(pts[i - 1]);
    lengths.push(d);
    total += d;
  }
  return fractions.map(function (f) {
    var target = total * f;
    for (var j = 0; j < lengths.length; j += 1) {
      if (target <= lengths[j] || j === lengths.length - 1) {
        var a = pts[j], b = pts[j + 1], t = lengths[j] ? Math.min(1, target / lengths[j]) : 0;
        var p = L.point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
        return {latlng: crs.unproject(p),
          angle: Math.atan2(-(b.y - a.y), b.x - a.x) * 180 / Math.PI};
      }
      target -= lengths[j];
    }
    return {latlng: latlngs[0], angle: 0};
  });
}

function groundLength(latlngs) {
  var total = 0;
  for (var i = 1; i < latlngs.length; i += 1) { total += latlngs[i - 1].distanceTo(latlngs[i]); }
  return total;
}

/* Small arrows along a one-way line, one per `every` metres (at least one). */
function arrows(map, latlngs, colour, options) {
  var opts = options || {}, every = opts.every || 600;
  var n = Math.max(1, Math.min(opts.max || 8, Math.round(groundLength(latlngs) / every)));
  var fractions = [];
  for (var i = 0; i < n; i += 1) { fractions.push((i + 0.5) / n); }
  return along(map, latlngs, fractions).map(function (at) {
    var root = el('div', 'gd-line-arrow');
    var svg = svgEl('svg', {viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true'});
    svg.appendChild(svgEl('path', {d: 'M3 2.5 14 8 3 13.5 6 8Z', fill: colour, stroke: '#fff',
      'stroke-width': 1.5, 'stroke-linejoin': 'round',
      transform: 'rotate(' + at.angle.toFixed(1) + ' 8 8)'}));
    root.appendChild(svg);
    return L.marker(at.latlng, {icon: L.divIcon({className: 'gd-line-arrow-icon', html: root,
      iconSize: [16, 16], iconAnchor: [8, 8]}), pane: opts.pane || 'markerPane',
      interactive: false, keyboard: false});
  });
}

/* A file the browser saves, made from data the page already has. */
function download(filename, text, mime) {
  var blob = new Blob([text], {type: mime || 'application/octet-stream'});
  var a = el('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}

/* A status line: text plus a kind (info, ok, error, busy) as a class. */
function say(node, kind, text) {
  if (!node) { return; }
  node.className = 'gd-note gd-note-' + kind;
  node.textContent = text || '';
  node.hidden = !text;
}

/* Leaflet's scale bar in Russian units. */
function scale(map, position) {
  var RussianScale = L.Control.Scale.extend({
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      this._updateScale(this._mScale, meters < 1000 ? meters + ' м' : (meters / 1000) + ' км',
        meters / maxMeters);
    }
  });
  new RussianScale({imperial: false, position: position || 'bottomleft'}).addTo(map);
  if (map.attributionControl) {
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  }
}

/* Field errors of a form built with maps/pages/forms.py: each field is a [data-field] label
   with a [data-error] slot. fieldError returns false when the form has no such field. */
function clearFieldErrors(form) {
  form.querySelectorAll('[data-field]').forEach(function (f) {
    f.classList.remove('gd-invalid');
    var slot = f.querySelector('[data-error]');
    if (slot) { slot.textContent = ''; }
  });
}
function fieldError(form, name, text) {
  var f = form.querySelector('[data-field="' + name + '"]');
  if (!f) { return false; }
  f.classList.add('gd-invalid');
  var slot = f.querySelector('[data-error]');
  if (slot) { slot.textContent = text; }
  return true;
}

/* A side panel's time window on the city's clock: its [data-from] and [data-to] inputs and its
   [data-preset] buttons ("the last N hours"). A preset fills both inputs, shows itself pressed
   and calls onPreset(); changing an input by hand un-presses the presets. */
function timeWindow(panel, T, onPreset) {
  var from = panel.querySelector('[data-from]'), to = panel.querySelector('[data-to]');
  var presets = panel.querySelectorAll('[data-preset]');

  function press(hours) {
    presets.forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-preset')) === hours));
    });
  }
  function set(fromMs, toMs) {
    from.value = T.toInput(fromMs);
    to.value = T.toInput(toMs);
    press(null);
  }
  function last(hours) {
    var now = Date.now();
    set(now - hours * 3600000, now);
    press(hours);
  }

  presets.forEach(function (b) {
    b.addEventListener('click', function () {
      last(Number(b.getAttribute('data-preset')));
      onPreset();
    });
  });
  [from, to].forEach(function (input) {
    input.addEventListener('change', function () { press(null); });
  });
  return {
    get: function () { return {from: T.fromInput(from.value), to: T.fromInput(to.value)}; },
    set: set,
    /* The window a link asked for (both ends as ms), else the last `hours`. */
    open: function (fromMs, toMs, hours) {
      if (fromMs !== null && toMs !== null) { set(fromMs, toMs); } else { last(hours); }
    }
  };
}

function params() {
  var out = {};
  new URLSearchParams(window.location.search).forEach(function (v, k) { out[k] = v; });
  return out;
}

export {
  el, svgEl, own, getJSON, sendJSON, sendText, session, canEdit,
  loginHref, pageConfig, startMapPanel, onReady, foliumObject, symbolElement, along, arrows,
  groundLength, download, say, scale, params, ApiError, problem, clearFieldErrors, fieldError,
  timeWindow
};
