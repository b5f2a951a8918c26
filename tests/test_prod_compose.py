"""docker-compose.yml cannot run here (no Docker engine): check it stays consistent with the
tested profile (endpoints.prod.yml, scripts/run_prod.sh) and with the load balancer."""
import re

import yaml

from tests.live_stack import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
ENDPOINT_VARIABLES = set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.prod.yml").read_text(encoding="utf-8")))
REPLICAS = sorted(name for name in SERVICES if name.startswith("rasa-"))


def test_two_replicas_run_the_tested_endpoints_with_every_variable_set():
    assert len(REPLICAS) == 2
    for name in REPLICAS:
        service = SERVICES[name]
        assert "--endpoints endpoints.prod.yml" in " ".join(service["command"])
        assert set(service["environment"]) == ENDPOINT_VARIABLES
        assert service["environment"]["POSTGRES_HOST"] in SERVICES
        assert service["environment"]["REDIS_HOST"] in SERVICES
        assert "//actions:" in service["environment"]["ACTION_ENDPOINT_URL"]


def test_passwords_come_from_the_environment_only():
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key:
                assert str(value).startswith("${" + key + ":?"), (name, key)


def test_load_balancer_sticky_for_socketio_least_busy_for_webhooks_and_lists_every_replica():
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    upstreams = dict(re.findall(r"upstream (\w+) \{(.*?)\}", conf, re.DOTALL))
    assert re.search(r"^\s*ip_hash;", upstreams["rasa_socketio"], re.MULTILINE)
    assert re.search(r"^\s*least_conn;", upstreams["rasa_webhooks"], re.MULTILINE)
    for body in upstreams.values():
        assert sorted(re.findall(r"server ([\w-]+):5005", body)) == REPLICAS
    locations = dict(re.findall(r"location ([^{]+?) \{\s*proxy_pass http://(\w+);", conf))
    assert locations == {"/socket.io/": "rasa_socketio", "/webhooks/": "rasa_webhooks", "= /": "rasa_webhooks"}
    assert "./deploy/nginx.conf" in SERVICES["lb"]["volumes"][0]
