"""The Kubernetes manifests: kustomize renders every target, every object is valid against
the Kubernetes schemas, and the deployment rules hold (hardening, probes, scaling, Secrets)."""

from __future__ import annotations

import pytest

from tests.deploy.manifests import container, of_kind, render, server_name

# Oldest and newest Kubernetes minor versions the manifests are checked against.
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
# Custom resources of the operators prod relies on; their CRDs are not in the schemas.
OPERATOR_KINDS = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("kafka.strimzi.io/v1beta2", "Kafka"),
    ("kafka.strimzi.io/v1beta2", "KafkaNodePool"),
    ("kafka.strimzi.io/v1beta2", "KafkaUser"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
}
SERVERS = {"kb", "crm", "memory", "orchestrator", "workflow"}
STATELESS = {"kb", "crm", "memory", "orchestrator", "workflow"}
# Secrets are referenced by these names only (created out of band: manifests/README.md).
REFERENCED_SECRETS = {
    "supportdesk-postgres-app", "supportdesk-redis-url", "supportdesk-request-state",
    "supportdesk-llm", "supportdesk-remote-token", "supportdesk-auth", "supportdesk-notify", "supportdesk-tls",
    # Made by Strimzi in prod: the KafkaUser's SCRAM password and the cluster CA certificate.
    "supportdesk-events", "supportdesk-kafka-cluster-ca-cert",
    # Object storage credentials of kb and memory in prod (optional: an IAM role also works).
    "supportdesk-object-store",
}


@pytest.fixture(scope="module", params=["base", "dev", "prod"])
def rendered(request) -> tuple[str, list[dict]]:
    return request.param, render(request.param)


def kafka_port(objects: list[dict]) -> int:
    (settings,) = of_kind(objects, "ConfigMap").values()
    return int(settings["data"]["SUPPORTDESK_EVENTS_KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[1])


def servers_of(objects: list[dict]) -> dict[str, dict]:
    return {
        server_name(d): d for d in of_kind(objects, "Deployment").values()
        if d["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "mcp-server"
    }


def test_every_object_is_valid_against_the_kubernetes_schemas(rendered):
    import kubernetes_validate

    _, objects = rendered
    for obj in objects:
        if (obj["apiVersion"], obj["kind"]) in OPERATOR_KINDS:
            continue
        for version in KUBERNETES_VERSIONS:
            kubernetes_validate.validate(obj, version, strict=True)


def test_only_known_operator_resources_are_used(rendered):
    _, objects = rendered
    custom = {(o["apiVersion"], o["kind"]) for o in objects
              if "." in o["apiVersion"].split("/")[0]
              and not o["apiVersion"].split("/")[0].endswith("k8s.io")}
    assert custom <= OPERATOR_KINDS


def test_each_server_has_a_hardened_deployment_with_probes_and_resources(rendered):
    _, objects = rendered
    servers = servers_of(objects)
    assert set(servers) == SERVERS
    for name, deployment in servers.items():
        pod = deployment["spec"]["template"]["spec"]
        main = container(deployment)
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        hardening = main["securityContext"]
        assert hardening["readOnlyRootFilesystem"] is True, name
        assert hardening["allowPrivilegeEscalation"] is False, name
        assert hardening["capabilities"]["drop"] == ["ALL"], name
        assert main["args"][:2] == ["serve", name]
        assert main["args"][-2:] == ["--host", "0.0.0.0"]
        probes = {kind: main[kind]["httpGet"]
                  for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
        assert probes["livenessProbe"]["path"] == "/healthz"
        assert probes["readinessProbe"]["path"] == "/readyz"
        for probe in probes.values():  # the Host guard would answer the pod IP with 421
            assert {"name": "Host", "value": "localhost"} in probe["httpHeaders"]
        assert set(main["resources"]) == {"requests", "limits"}
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["mountPath"]: m["name"] for m in main["volumeMounts"]}
        assert "emptyDir" in volumes[mounts["/data"]] and "emptyDir" in volumes[mounts["/tmp"]]


def test_stateless_servers_autoscale_and_have_disruption_budgets(rendered):
    _, objects = rendered
    deployments = {d["metadata"]["name"]: d for d in servers_of(objects).values()}
    hpas, pdbs = of_kind(objects, "HorizontalPodAutoscaler"), of_kind(objects,
                                                                       "PodDisruptionBudget")
    scaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in hpas.values()}
    assert scaled == {f"supportdesk-{name}" for name in STATELESS}
    for pdb in pdbs.values():
        selector = pdb["spec"]["selector"]["matchLabels"]
        matched = [d for d in deployments.values()
                   if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
        assert len(matched) == 1
    assert len(pdbs) == len(STATELESS)


def test_services_and_ingress_route_to_existing_pods(rendered):
    _, objects = rendered
    services = of_kind(objects, "Service")
    pods = [o["spec"]["template"]["metadata"]["labels"] for o in objects
            if o["kind"] in ("Deployment", "StatefulSet")]
    for name, service in services.items():
        selector = service["spec"]["selector"]
        assert any(selector.items() <= labels.items() for labels in pods), name
    (ingress,) = of_kind(objects, "Ingress").values()
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            assert path["backend"]["service"]["name"] in services
            assert path["path"] == "/mcp"


def test_no_secret_is_committed_and_only_known_secrets_are_referenced(rendered):
    _, objects = rendered
    assert not of_kind(objects, "Secret")
    referenced = set()
    for obj in objects:
        text = repr(obj)
        assert "BEGIN PRIVATE KEY" not in text and "password=" not in text
        if obj["kind"] in ("Deployment", "StatefulSet"):
            for c in obj["spec"]["template"]["spec"]["containers"]:
                for env in c.get("env", []):
                    ref = env.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        referenced.add(ref["name"])
                for source in c.get("envFrom", []):
                    if "secretRef" in source:
                        referenced.add(source["secretRef"]["name"])
            for volume in obj["spec"]["template"]["spec"].get("volumes", []):
                if "secret" in volume:
                    referenced.add(volume["secret"]["secretName"])
        if obj["kind"] == "Ingress":
            referenced |= {tls["secretName"] for tls in obj["spec"].get("tls", [])}
    assert referenced <= REFERENCED_SECRETS


def test_network_policies_deny_by_default_and_allow_the_backends(rendered):
    _, objects = rendered
    policies = of_kind(objects, "NetworkPolicy")
    deny = policies["supportdesk-default-deny"]["spec"]
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    egress = policies["supportdesk-servers-egress"]["spec"]["egress"]
    egress_ports = {p["port"] for rule in egress for p in rule["ports"]}
    assert {53, 5432, 6379, 8765} <= egress_ports
    # Kafka: exactly the port the servers bootstrap from (plain in dev, TLS in prod).
    kafka_rules = [rule for rule in egress if any(
        "strimzi.io/cluster" in peer.get("podSelector", {}).get("matchLabels", {})
        for peer in rule["to"])]
    assert [p["port"] for rule in kafka_rules for p in rule["ports"]] == [kafka_port(objects)]


def test_the_dev_overlay_brings_single_instance_backends_behind_the_prod_names():
    objects = render("dev")
    services = of_kind(objects, "Service")
    assert {"supportdesk-postgres-rw", "supportdesk-redis-master",
            "supportdesk-kafka-kafka-bootstrap"} <= set(services)
    for workload in [*of_kind(objects, "StatefulSet").values(),
                     *of_kind(objects, "Deployment").values()]:
        assert workload["spec"]["replicas"] == 1
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {
        "supportdesk-dev"
    }


def test_prod_takes_its_backends_from_operators():
    objects = render("prod")
    kinds = {(o["apiVersion"], o["kind"]) for o in objects}
    assert OPERATOR_KINDS <= kinds
    assert not of_kind(objects, "StatefulSet")
    orchestrator = of_kind(objects, "HorizontalPodAutoscaler")["supportdesk-orchestrator"]
    assert orchestrator["spec"]["minReplicas"] >= 3


def test_prod_reaches_kafka_only_over_tls_with_a_scram_login_from_strimzi():
    objects = render("prod")
    settings = of_kind(objects, "ConfigMap")["supportdesk-settings"]["data"]
    assert settings["SUPPORTDESK_EVENTS_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert settings["SUPPORTDESK_EVENTS_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    (kafka,) = of_kind(objects, "Kafka").values()
    (listener,) = kafka["spec"]["kafka"]["listeners"]  # no plaintext listener beside it
    assert listener["tls"] is True and listener["port"] == kafka_port(objects)
    assert listener["authentication"]["type"] == "scram-sha-512"
    assert "userOperator" in kafka["spec"]["entityOperator"]
    user = of_kind(objects, "KafkaUser")[settings["SUPPORTDESK_EVENTS_KAFKA_SASL_USERNAME"]]
    assert user["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    ca_file = settings["SUPPORTDESK_EVENTS_KAFKA_SSL_CAFILE"]
    for name, deployment in servers_of(objects).items():
        main = container(deployment)
        password = {e["name"]: e for e in main["env"]}["SUPPORTDESK_EVENTS_KAFKA_SASL_PASSWORD"]
        # The User Operator names the Secret after the KafkaUser.
        assert password["valueFrom"]["secretKeyRef"] == {
            "name": user["metadata"]["name"], "key": "password"}, name
        volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
        (mount,) = [m for m in main["volumeMounts"] if ca_file.startswith(m["mountPath"] + "/")]
        source = volumes[mount["name"]]["secret"]
        assert source["secretName"] == f"{kafka['metadata']['name']}-cluster-ca-cert", name
        assert [item["path"] for item in source["items"]] == [ca_file.rsplit("/", 1)[1]]


def test_every_container_has_readiness_and_liveness_probes(rendered):
    overlay, objects = rendered
    missing = [
        f"{kind}/{obj['metadata']['name']}/{container['name']}: {probe}"
        for kind in ("Deployment", "StatefulSet")
        for obj in of_kind(objects, kind).values()
        for container in obj["spec"]["template"]["spec"]["containers"]
        for probe in ("readinessProbe", "livenessProbe")
        if probe not in container
    ]
    assert missing == [], overlay


def test_prod_shares_kb_and_memory_on_object_storage_and_events_on_postgresql():
    objects = render("prod")
    (settings,) = of_kind(objects, "ConfigMap").values()
    assert settings["data"]["SUPPORTDESK_KB_URI"].startswith("s3://")
    assert settings["data"]["SUPPORTDESK_MEMORY_LONG_TERM_URI"].startswith("s3://")
    assert not of_kind(objects, "PersistentVolumeClaim")
    for name, deployment in servers_of(objects).items():
        main = container(deployment)
        secrets = {s["secretRef"]["name"] for s in main["envFrom"] if "secretRef" in s}
        env = {e["name"]: e for e in main["env"]}
        events = env["SUPPORTDESK_EVENTS_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
        assert events["name"] == "supportdesk-postgres-app"
        shares_objects = name in ("kb", "memory")
        assert ("supportdesk-object-store" in secrets) == shares_objects, name
        assert "volumes" not in deployment["spec"]["template"]["spec"] or all(
            "persistentVolumeClaim" not in v for v in deployment["spec"]["template"]["spec"]["volumes"])
    egress = of_kind(objects, "NetworkPolicy")["supportdesk-object-store-egress"]["spec"]
    assert egress["podSelector"]["matchExpressions"][0]["values"] == [
        "supportdesk-kb", "supportdesk-memory"]
    assert [p["port"] for rule in egress["egress"] for p in rule["ports"]] == [443]
