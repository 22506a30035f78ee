"""JupyterHub for a class on one machine: the course's settings (deploy/README.md).

Start it from the repository's root, after `make hub-deps`::

    .venv/bin/jupyterhub -f deploy/jupyterhub_config.py

What this file sets is what a class needs whatever the spawner: the proxy from npm, the
landing page (the road map), the idle culler, and the per-student limits measured by
`make loadtest` (see "Teaching a class" in the README). The limits are enforced only by
spawners that can (SystemdSpawner, as The Littlest JupyterHub uses, or KubeSpawner, as Zero
to JupyterHub uses); the plain LocalProcessSpawner ignores them.

Authentication and the spawner are your site's: PAM and local system users by default
here, an OAuthenticator or LTI login at a university. `deploy/loadtest_config.py` replaces
both with test-only ones, on 127.0.0.1: never give that setup to students.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent

#: Per-student limits, from `make loadtest` on 2 cores and 24 GB (README, "Teaching a class"):
#: a student's server and kernel use about 0.4 GB after the heaviest notebook; 1 GB leaves
#: room for a second notebook's kernel. One core at most, so one busy student cannot starve
#: the others; the measured average is far below it.
MEM_LIMIT = "1G"
CPU_LIMIT = 1.0

# Listen where the site says (a public address goes behind TLS: a reverse proxy, or
# c.JupyterHub.ssl_cert/ssl_key). Loopback unless told otherwise.
c.JupyterHub.bind_url = os.environ.get("LECTURELIB_HUB_URL", "http://127.0.0.1:8000")

# The proxy: configurable-http-proxy from npm (`npm ci --prefix deploy`).
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]

# Every student lands on the road map in JupyterLab, in the folder nbgitpuller (or the image)
# put the series in.
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.cpu_limit = CPU_LIMIT
# A class logs in within minutes: give slow spawns time rather than failing them.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180

# Stop servers idle for an hour, checked every 5 minutes (jupyterhub-idle-culler from PyPI).
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
