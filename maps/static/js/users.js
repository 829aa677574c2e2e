/*
 * glonass-dispatch: /admin/users, accounts for admins.
 *
 * Lists /api/users; each row changes the role (PATCH), disables or enables the account,
 * opens the new-password form, or removes the account after a confirmation. The form below
 * adds an account (POST). Every write sends the session's CSRF token (pages.js sendJSON);
 * the server's refusals (a bad login, a short password, the last admin) are shown as they
 * come. Server texts are only ever set as text.
 */
import * as P from './pages.js';
import * as F from './formats.js';
import * as R from './registry.js';

var config = P.pageConfig();

var T = F.time(config.timeZone);
var passwordForm = document.querySelector('[data-password-form]');
var addForm = document.querySelector('[data-add-form]');
var passwordFor = null;
var asked = 0;  // the newest listing asked for; an older answer arriving later is dropped

function q(selector) { return document.querySelector(selector); }

function showError(where, error) {
  var box = q(where);
  box.textContent = error ? (error.message || String(error)) : '';
  box.hidden = !error;
}

function cell(row, text, className) {
  var td = P.el('td', className || null, text === null || text === undefined ? '—' : text);
  row.appendChild(td);
  return td;
}

function url(login) { return '/api/users/' + encodeURIComponent(login); }

function change(login, body) {
  return P.sendJSON('PATCH', url(login), body).then(function () {
    showError('[data-page-error]', null);
    return load();
  }, function (error) {
    showError('[data-page-error]', error);
    return load();
  });
}

function roleSelect(user) {
  var select = P.el('select');
  select.name = 'role';
  Object.keys(config.roles).forEach(function (role) {
    var option = P.el('option', null, config.roles[role]);
    option.value = role;
    option.selected = role === user.role;
    select.appendChild(option);
  });
  select.addEventListener('change', function () { change(user.login, {role: select.value}); });
  return select;
}

function row(user) {
  var tr = P.el('tr');
  tr.setAttribute('data-login', user.login);
  cell(tr, user.login);
  cell(tr, '').appendChild(roleSelect(user));
  cell(tr, user.disabled ? 'отключён' : 'действует', user.disabled ? 'bad' : 'ok');
  cell(tr, T.format(user.created_at, false));
  cell(tr, user.last_sign_in_at ? T.format(user.last_sign_in_at, true) : 'не входил');
  var actions = cell(tr, '');
  actions.appendChild(user.disabled
    ? R.button('Включить', 'enable', function () { change(user.login, {disabled: false}); })
    : R.button('Отключить', 'disable', function () { change(user.login, {disabled: true}); }));
  actions.appendChild(R.button('Новый пароль', 'password', function () { askPassword(user); }));
  actions.appendChild(R.button('Удалить', 'remove', function () { remove(user); }));
  return tr;
}

function load() {
  var mine = ++asked;
  return P.getJSON('/api/users').then(function (list) {
    if (mine !== asked) { return; }
    var body = q('[data-users] tbody');
    body.textContent = '';
    list.forEach(function (user) { body.appendChild(row(user)); });
  }, function (error) { showError('[data-page-error]', error); });
}

function remove(user) {
  if (!window.confirm('Удалить пользователя ' + user.login + '? Его сеансы завершатся.')) {
    return;
  }
  P.sendJSON('DELETE', url(user.login)).then(function () {
    showError('[data-page-error]', null);
    load();
  }, function (error) { showError('[data-page-error]', error); });
}

function askPassword(user) {
  passwordFor = user.login;
  q('[data-password-login]').textContent = user.login;
  passwordForm.elements.password.value = '';
  R.refused(passwordForm, q('[data-password-error]'), null);
  passwordForm.hidden = false;
  passwordForm.elements.password.focus();
}

passwordForm.addEventListener('submit', function (event) {
  event.preventDefault();
  P.sendJSON('PATCH', url(passwordFor), {password: passwordForm.elements.password.value})
    .then(function () {
      passwordForm.hidden = true;
      return load();
    }, function (error) { R.refused(passwordForm, q('[data-password-error]'), error); });
});
q('[data-password-cancel]').addEventListener('click', function () {
  passwordForm.hidden = true;
});

addForm.addEventListener('submit', function (event) {
  event.preventDefault();
  var f = addForm.elements;
  P.sendJSON('POST', '/api/users', {login: f.login.value.trim(), role: f.role.value,
    password: f.password.value}).then(function () {
    R.refused(addForm, q('[data-form-error]'), null);
    addForm.reset();
    load();
  }, function (error) { R.refused(addForm, q('[data-form-error]'), error); });
});

function waitText(seconds) {
  return seconds < 60 ? seconds + ' с' : Math.ceil(seconds / 60) + ' мин';
}

function loadThrottled() {
  return P.getJSON('/api/sign-in-throttle').then(function (answer) {
    var body = q('[data-throttled] tbody');
    body.textContent = '';
    answer.throttled.forEach(function (t) {
      var tr = P.el('tr');
      cell(tr, t.login === null ? 'все логины' : t.login);
      cell(tr, t.address);
      cell(tr, String(t.failures));
      cell(tr, waitText(t.retry_after_s));
      body.appendChild(tr);
    });
    q('[data-throttled-none]').hidden = answer.throttled.length > 0;
  }, function (error) { showError('[data-page-error]', error); });
}

load();
loadThrottled();
setInterval(loadThrottled, 15000);
