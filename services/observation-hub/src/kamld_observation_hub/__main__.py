"""``python -m kamld_observation_hub`` serves observation-hub."""

from kamld_common.serve import serve
from kamld_observation_hub.app import create_app
from kamld_observation_hub.config import Settings


def main() -> None:
    settings = Settings()
    serve(lambda: create_app(settings), settings, "kamld_observation_hub.app:create_app")


if __name__ == "__main__":
    main()
