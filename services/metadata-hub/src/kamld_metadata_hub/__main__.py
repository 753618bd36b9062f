"""``python -m kamld_metadata_hub`` serves metadata-hub."""

from kamld_common.serve import serve
from kamld_metadata_hub.app import create_app
from kamld_metadata_hub.config import Settings


def main() -> None:
    settings = Settings()
    serve(lambda: create_app(settings), settings, "kamld_metadata_hub.app:create_app")


if __name__ == "__main__":
    main()
