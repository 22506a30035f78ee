"""The class hub (jupyterhub_config.py) set up for a load test: TEST ONLY, never for students.

Every student's server runs as the same system user with no isolation
(SimpleLocalProcessSpawner), and anyone who knows the run's random password is let in. The
hub listens on 127.0.0.1 only. `deploy/loadtest.py` starts it with the environment below.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)
load_subconfig(str(Path(__file__).resolve().parent / "jupyterhub_config.py"))  # noqa: F821

run = Path(os.environ["LECTURELIB_LOADTEST_DIR"])  # a fresh temporary folder for this run
port = int(os.environ["LECTURELIB_LOADTEST_PORT"])
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{int(os.environ['LECTURELIB_LOADTEST_PROXY_PORT'])}"
)
c.JupyterHub.hub_port = int(os.environ["LECTURELIB_LOADTEST_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{run / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(run / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(run / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "dummy"  # one password for every name: test only
c.DummyAuthenticator.password = os.environ["LECTURELIB_LOADTEST_PASSWORD"]  # random per run
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(run / "home" / "{username}")
c.Spawner.cmd = [os.environ["LECTURELIB_LOADTEST_SINGLEUSER"]]
c.Spawner.ip = "127.0.0.1"
c.Spawner.args = ["--ServerApp.ip=127.0.0.1"]
if os.geteuid() == 0:  # a CI container runs as root; every server then runs as root too
    c.Spawner.args.append("--allow-root")

# The load test's own account on the hub's API, to stop servers between rounds.
c.JupyterHub.services = [
    *c.JupyterHub.services,
    {"name": "loadtest", "api_token": os.environ["LECTURELIB_LOADTEST_API_TOKEN"]},
]
c.JupyterHub.load_roles = [
    *c.JupyterHub.load_roles,
    {"name": "loadtest", "scopes": ["admin:users", "admin:servers"], "services": ["loadtest"]},
]
