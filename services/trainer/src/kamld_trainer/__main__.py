"""``python -m kamld_trainer`` serves trainer."""

from kamld_common.serve import serve
from kamld_trainer.app import create_app
from kamld_trainer.config import Settings


def main() -> None:
    settings = Settings()
    serve(lambda: create_app(settings), settings, "kamld_trainer.app:create_app")


if __name__ == "__main__":
    main()
