#!/usr/bin/env bash
# Start the API, a Celery worker and Celery beat in the foreground; Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8000}
mkdir -p var
base="http://127.0.0.1:$PORT"
cat <<MSG

voxpop is starting:
  API          $base/api/v1/
  API docs     $base/api/v1/docs/
  admin        $base/admin/   (create a login with: .venv/bin/python manage.py createsuperuser)
  dashboard    $base/dashboard/   (staff login)
  health       $base/health/

MSG
exec env PORT="$PORT" .venv/bin/honcho start -f Procfile
