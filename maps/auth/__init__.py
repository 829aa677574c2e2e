"""Who may do what on the site, and who is asking.

``access`` is the pure rule table over path segments; ``gate`` the resource in front of the
whole site that applies it and finds the request's session; ``sign_in`` the sign-in and
sign-out resources, with ``throttle`` against guessing and ``passwords``/``password_pool``
for hashing; ``actor`` names who makes a request for the audit trail.
May import ``db``, ``dispatch``, the model and the rest of ``maps`` below ``url_table`` and
``web``.
"""
