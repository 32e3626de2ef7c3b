"""The broker's topics, read with a Kafka client: training jobs go out on training_jobs keyed by
job id, job events come back on job_events, every prediction batch is audited on predictions,
and a question on queries is answered on query_results under its request id. Skipped for the
in-process bus of `chatdb up`, which has no broker to connect to."""
import json
import time
import uuid

import pytest
import requests

from it_helpers import submit_job, unique, wait_for_job
from test_training_pipeline import CHURN_ROW

kafka = pytest.importorskip("confluent_kafka")


@pytest.fixture
def broker(chatdb):
    if chatdb.kafka is None:
        pytest.skip("the in-process bus (chatdb up) has no broker")
    return chatdb.kafka


def read_topic(servers, topic, match, timeout=30):
    """Reads `topic` from the beginning of every partition until `match(message)` holds."""
    consumer = kafka.Consumer({"bootstrap.servers": servers, "group.id": f"it-{uuid.uuid4().hex}",
                               "enable.auto.commit": False})
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics[topic]
        consumer.assign([kafka.TopicPartition(topic, p, kafka.OFFSET_BEGINNING) for p in metadata.partitions])
        found = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = consumer.poll(0.5)
            if m is None or m.error():
                continue
            value = json.loads(m.value())
            if match(m.key().decode() if m.key() else None, value):
                found.append((m.key().decode() if m.key() else None, value))
                deadline = min(deadline, time.time() + 1.0)  # collect the rest that follows closely
        return found
    finally:
        consumer.close()


def test_every_topic_exists(chatdb, broker):
    consumer = kafka.Consumer({"bootstrap.servers": broker, "group.id": "it-topics"})
    try:
        topics = consumer.list_topics(timeout=10).topics
    finally:
        consumer.close()
    for name in chatdb.topics.values():
        assert name in topics and len(topics[name].partitions) >= 1, (name, sorted(topics))


def test_a_job_travels_on_training_jobs_and_job_events(chatdb, broker):
    job = submit_job(chatdb, model_name=unique("it-topic"), dataset_location="file://demo/churn.csv",
                     params={"num_rounds": 10})
    done = wait_for_job(chatdb, job["id"])
    assert done["status"] == "succeeded"
    sent = read_topic(broker, chatdb.topics["training_jobs"], lambda k, v: k == job["id"])
    assert sent and sent[0][1]["job_id"] == job["id"] and sent[0][1]["dataset_location"] == "file://demo/churn.csv"
    events = read_topic(broker, chatdb.topics["job_events"], lambda k, v: v.get("job_id") == job["id"])
    types = [v["type"] for _, v in events]
    assert "started" in types and types[-1] == "succeeded", types
    assert events[-1][1]["model_version"] == done["model_version"]


def test_predictions_are_audited_on_the_predictions_topic(chatdb, broker):
    name = unique("it-audit")
    assert wait_for_job(chatdb, submit_job(chatdb, model_name=name, dataset_location="file://demo/churn.csv",
                                           params={"num_rounds": 5})["id"])["status"] == "succeeded"
    r = requests.post(chatdb.url("ml-engine", "/predict"), json={"model": name, "instances": [CHURN_ROW] * 3},
                      timeout=10)
    assert r.status_code == 200, r.text
    audited = read_topic(broker, chatdb.topics["predictions"], lambda k, v: v.get("model") == name)
    assert len(audited) == 1 and audited[0][1]["count"] == 3


def test_a_question_on_queries_is_answered_on_query_results(chatdb, broker):
    request_id = uuid.uuid4().hex
    producer = kafka.Producer({"bootstrap.servers": broker, "acks": "all"})
    producer.produce(chatdb.topics["queries"], key=request_id,
                     value=json.dumps({"id": request_id, "query": "how many customers are there"}))
    assert producer.flush(10) == 0
    answers = read_topic(broker, chatdb.topics["query_results"], lambda k, v: v.get("id") == request_id)
    assert answers, "no answer on query_results"
    key, answer = answers[0]
    assert key == request_id and answer["status"] == "ok"
    assert answer["columns"] == ["count"] and answer["rows"][0][0] > 0
