"""``python -m kamld_workbench_api`` serves workbench-api."""

from kamld_common.serve import serve
from kamld_workbench_api.app import create_app
from kamld_workbench_api.config import Settings


def main() -> None:
    settings = Settings()
    extra = [settings.s3_port] if settings.s3_port else []
    serve(lambda: create_app(settings), settings, "kamld_workbench_api.app:create_app", extra_ports=extra)


if __name__ == "__main__":
    main()
