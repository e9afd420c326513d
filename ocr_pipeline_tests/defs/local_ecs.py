"""An ECS client whose tasks really run, for the EcsLauncher (``defs/ecs_launcher.py``).

A stand-in where no local server can exist: there is no container runtime on these machines,
and moto's ECS records tasks without running them. So every call goes to moto's ECS (the
parameters are checked against the service model, the cluster, the task definition and the
capacity provider), and ``run_task`` also starts the container override's command as a
subprocess with the override's environment, sending its output to the task's CloudWatch
stream in moto (``<awslogs-stream-prefix>/<container>/<task id>``), as the awslogs driver
does. ``describe_tasks`` and the ``tasks_stopped`` waiter report the subprocesses' real state.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from typing import Any

from botocore.exceptions import WaiterError


class _Task:
    def __init__(self, *, process: subprocess.Popen[str], pump: threading.Thread) -> None:
        self.process = process
        self.pump = pump

    @property
    def stopped(self) -> bool:
        return self.process.poll() is not None and not self.pump.is_alive()


class LocalEcsClient:
    def __init__(self, *, ecs: Any, logs: Any) -> None:
        self.ecs = ecs
        self.logs = logs
        self.meta = ecs.meta
        self.run_task_calls: list[dict[str, Any]] = []
        self.stop_task_calls: list[dict[str, Any]] = []
        self.most_at_once = 0
        self._tasks: dict[str, _Task] = {}
        self._lock = threading.Lock()

    def describe_task_definition(self, **params: Any) -> dict[str, Any]:
        return self.ecs.describe_task_definition(**params)

    def list_tasks(self, **params: Any) -> dict[str, Any]:
        return self.ecs.list_tasks(**params)

    def run_task(self, **params: Any) -> dict[str, Any]:
        with self._lock:
            self.run_task_calls.append(params)
        response = self.ecs.run_task(**params)
        definition = self.ecs.describe_task_definition(
            taskDefinition=params["taskDefinition"])["taskDefinition"]
        for task in response["tasks"]:
            self._start(task, definition, params["overrides"]["containerOverrides"][0])
        return response

    def describe_tasks(self, **params: Any) -> dict[str, Any]:
        response = self.ecs.describe_tasks(**params)
        for task in response["tasks"]:
            local = self._tasks[task["taskArn"]]
            if local.stopped:
                task["lastStatus"] = "STOPPED"
                task["stopCode"] = "EssentialContainerExited"
                for container in task["containers"]:
                    container["exitCode"] = local.process.returncode
                    container["runtimeId"] = task["taskArn"].rsplit("/", 1)[-1]
            else:
                task["lastStatus"] = "RUNNING"
                for container in task["containers"]:
                    container.pop("exitCode", None)
        return response

    def stop_task(self, **params: Any) -> dict[str, Any]:
        self.stop_task_calls.append(params)
        local = self._tasks.get(params["task"])
        if local is not None and local.process.poll() is None:
            local.process.kill()
        return self.ecs.stop_task(**params)

    def get_waiter(self, name: str) -> _StoppedWaiter:
        assert name == "tasks_stopped", name
        return _StoppedWaiter(self)

    def kill_all(self) -> None:
        for local in self._tasks.values():
            if local.process.poll() is None:
                local.process.kill()

    def _start(self, task: dict[str, Any], definition: dict[str, Any],
               override: dict[str, Any]) -> None:
        [container] = [c for c in definition["containerDefinitions"]
                       if c["name"] == override["name"]]
        options = container["logConfiguration"]["options"]
        group = options["awslogs-group"]
        stream = f"{options['awslogs-stream-prefix']}/{container['name']}/" + \
            task["taskArn"].rsplit("/", 1)[-1]
        self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
        command = [sys.executable if part == "python" else part for part in override["command"]]
        env = {**os.environ, **{e["name"]: e["value"] for e in override.get("environment", [])}}
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        pump = threading.Thread(target=self._pump, args=(process, group, stream), daemon=True)
        pump.start()
        with self._lock:
            self._tasks[task["taskArn"]] = _Task(process=process, pump=pump)
            running = sum(not t.stopped for t in self._tasks.values())
            self.most_at_once = max(self.most_at_once, running)

    def _pump(self, process: subprocess.Popen[str], group: str, stream: str) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": int(time.time() * 1000), "message": line.rstrip("\n")}])
        process.wait()


class _StoppedWaiter:
    def __init__(self, client: LocalEcsClient) -> None:
        self.client = client

    def wait(self, *, tasks: list[str], cluster: str | None = None,
             WaiterConfig: dict[str, Any] | None = None) -> None:  # noqa: N803 (boto3's name)
        config = WaiterConfig or {}
        delay, attempts = float(config.get("Delay", 6)), int(config.get("MaxAttempts", 100))
        for _ in range(attempts):
            if all(self.client._tasks[arn].stopped for arn in tasks):
                return
            time.sleep(delay)
        raise WaiterError(name="TasksStopped", reason="Max attempts exceeded",
                          last_response={"tasks": tasks})
