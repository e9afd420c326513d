"""Per-environment settings, read from the CDK context (``cdk.json`` → ``environments``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Node


@dataclass(frozen=True, slots=True)
class EnvSettings:
    name: str
    region: str
    """Fixed per environment (load balancer access logs need it); the account is not: the
    stack deploys to whichever account the credentials name."""
    availability_zones: tuple[str, ...]
    """Given, not looked up, so the stack synthesizes offline: zones of ``region``."""
    vpc_cidr: str
    nat_gateways: int
    gpu_min_capacity: int
    gpu_max_capacity: int
    gpu_spot: bool
    ocr_service_desired_count: int
    worker_memory_mib: int
    ocr_image_tag: str
    dagster_image_tag: str
    database_instance_type: str
    database_multi_az: bool
    api_rate_limit: int
    api_burst_limit: int
    web_origins: tuple[str, ...]
    cost_center: str

    @property
    def is_prod(self) -> bool:
        return self.name == "prod"

    @classmethod
    def from_context(cls, node: Node) -> EnvSettings:
        """The settings of the environment named by the ``env`` context key (``-c env=prod``)."""
        name = node.try_get_context("env") or "dev"
        environments: dict[str, dict[str, Any]] = node.try_get_context("environments") or {}
        if name not in environments:
            raise ValueError(f"env={name!r}: cdk.json defines {', '.join(sorted(environments))}")
        raw = environments[name]
        settings = cls(
            name=name,
            region=raw["region"],
            availability_zones=tuple(raw["availability_zones"]),
            vpc_cidr=raw["vpc_cidr"],
            nat_gateways=int(raw["nat_gateways"]),
            gpu_min_capacity=int(raw["gpu_min_capacity"]),
            gpu_max_capacity=int(raw["gpu_max_capacity"]),
            gpu_spot=bool(raw["gpu_spot"]),
            ocr_service_desired_count=int(raw["ocr_service_desired_count"]),
            worker_memory_mib=int(raw["worker_memory_mib"]),
            ocr_image_tag=raw["ocr_image_tag"],
            dagster_image_tag=raw["dagster_image_tag"],
            database_instance_type=raw["database_instance_type"],
            database_multi_az=bool(raw["database_multi_az"]),
            api_rate_limit=int(raw["api_rate_limit"]),
            api_burst_limit=int(raw["api_burst_limit"]),
            web_origins=tuple(raw["web_origins"]),
            cost_center=raw["cost_center"],
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if len(self.availability_zones) != 3:
            raise ValueError("availability_zones: the VPC spans exactly 3 zones")
        if not all(zone.startswith(self.region) for zone in self.availability_zones):
            raise ValueError(f"availability_zones must be zones of {self.region}")
        if self.is_prod and self.gpu_min_capacity < 1:
            raise ValueError("prod keeps at least one GPU instance (gpu_min_capacity >= 1)")
        if not 0 <= self.gpu_min_capacity <= self.gpu_max_capacity:
            raise ValueError("gpu_min_capacity must be between 0 and gpu_max_capacity")
