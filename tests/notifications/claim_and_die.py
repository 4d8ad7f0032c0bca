"""Run as a separate process by test_processes: claim due deliveries through the real sending
path, then stop before the transport sends (the test SIGKILLs it there)."""

import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq.settings")
    django.setup()
    from notifications import services

    def stuck(self, message):
        print("claimed", flush=True)
        time.sleep(60)  # killed long before

    services.WeComTransport.send = stuck
    services.deliveries_send_due()


if __name__ == "__main__":
    sys.exit(main())
