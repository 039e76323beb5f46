"""JupyterHub configuration for Walk Beside: one cohort, many volunteers (docs/jupyterhub.md).

Start it as root (each person's server runs as their own Unix user):

    sudo WALKBESIDE_HUB_TRAINERS=tia,tom jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

or let `sudo walkbeside hub --trainers tia,tom` check everything first and start it on 127.0.0.1.

Settings (environment variables; defaults in brackets):
  WALKBESIDE_HUB_DATA       the hub's own files: database, cookie secret, exchange [/srv/walkbeside-hub]
  WALKBESIDE_HUB_GRADER     Unix user owning the cohort folder and running formgrader [walkbeside-grader]
  WALKBESIDE_HUB_COHORT     the cohort folder made by `walkbeside cohort init` [~GRADER/cohort]
  WALKBESIDE_HUB_TRAINERS   comma-separated trainers (hub group "trainers": may open formgrader)
  WALKBESIDE_HUB_LEARNERS   comma-separated learners [the ids in the cohort's roster.csv]
  WALKBESIDE_HUB_ADMINS     hub admins: they can open ANY server, so only IT staff, and few [none]
  WALKBESIDE_HUB_IP / _PORT where people's browsers connect [127.0.0.1 / 8000]
  WALKBESIDE_HUB_PROXY_API_PORT, _INTERNAL_PORT, _COURSE_PORT   loopback ports [8001, 8081, 8100]

What configure() sets, so you can check it against your own policy:
  - ConfigurableHTTPProxy on WALKBESIDE_HUB_IP; hub, servers and grading service on 127.0.0.1;
  - PAMAuthenticator (Unix passwords); allowed users = learners + trainers + admins;
  - groups "learners" and "trainers"; role "walkbeside-trainers" gives the trainers group
    access:services!service=course-<course id> (formgrader), and nothing on learners' servers;
  - LocalProcessSpawner: `python -m walkbeside.hub` as the person, which builds ~/WalkBeside with
    the same code as `walkbeside lab` (never overwriting their changes), makes it 0700, and starts
    jupyterhub-singleuser there; nbgrader's formgrader is switched off in these servers;
  - a managed service course-<course id> running Jupyter as the grader on the cohort folder;
  - nbgrader's exchange in WALKBESIDE_HUB_DATA/exchange (mode 1777) for the cohort's course id,
    collected with walkbeside.hub.OwnerCheckedCollect (a forged submission is refused).
"""

from walkbeside.hub import configure

c = get_config()  # noqa: F821 (JupyterHub provides get_config)
settings = configure(c)

# --- Your organization's changes go below. Examples: ---------------------------------------
# Single sign-on instead of Unix passwords (pip install oauthenticator); usernames must still be
# the learners' Unix user names (and their ids in the roster):
#   c.JupyterHub.authenticator_class = "generic-oauth"
# HTTPS directly from the proxy when it faces a network (or put nginx/Caddy with TLS in front):
#   c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.org/fullchain.pem"
#   c.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.org/privkey.pem"
# Stop servers nobody has used for an hour (pip install jupyterhub-idle-culler):
#   c.JupyterHub.services.append({"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]})
#   c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
#                                   "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
