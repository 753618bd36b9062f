-- One database per KAML-D service: no service reads another's tables.
-- Runs once, when the PostgreSQL data volume is first initialised.
CREATE DATABASE kamld_workbench_api;
CREATE DATABASE kamld_metadata_hub;
CREATE DATABASE kamld_storage_gateway;
CREATE DATABASE kamld_trainer;
CREATE DATABASE kamld_observation_hub;
