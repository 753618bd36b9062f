"""``python -m kamld_storage_gateway`` serves storage-gateway."""

from kamld_common.serve import serve
from kamld_storage_gateway.app import create_app
from kamld_storage_gateway.config import Settings


def main() -> None:
    settings = Settings()
    serve(lambda: create_app(settings), settings, "kamld_storage_gateway.app:create_app")


if __name__ == "__main__":
    main()
