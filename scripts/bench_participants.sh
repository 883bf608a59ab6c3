#!/usr/bin/env bash
# The participant list at national scale (issue 15: 150,000 participants): seeds seed_scale's participants and
# placements (the other datasets small, they do not touch this page) in throwaway PostgreSQL, then prints the
# list's SQL queries and its time per request, plain, filtered and sorted, as Stockholm's coordinator. Prints
# figures only (a shared machine's timings are noise; the tests assert the query count).
#   PG_PORT=55915 REDIS_PORT=56915 bash scripts/bench_participants.sh
set -euo pipefail
. "$(dirname "$0")/setup.sh"
export SVC_DIR=${SVC_DIR:-/tmp/asfportal-bench-participants-$$} PG_PORT=${PG_PORT:-54359} REDIS_PORT=${REDIS_PORT:-63829}
. scripts/services.sh
trap services_stop EXIT
pg_start
redis_start
export ALLOWED_HOSTS="testserver,localhost,127.0.0.1" DEBUG=on EMAIL_URL=dummymail:// CACHE_URL="redis://127.0.0.1:${REDIS_PORT}/2" CELERY_BROKER_URL=""
PY=.venv/bin/python
$PY manage.py migrate -v0
$PY manage.py seed_scale --placements "${PARTICIPANTS:-150000}" --tenders 200 --answers 200 --plans 50 --activities 200
$PY manage.py shell -c "
import statistics, time
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from placements.models import Participant
import sys
sys.path.insert(0, 'scripts')
from bench_pages import signed_in_client, user_for
user = user_for('coordinator')
print('participants in the country:', Participant.objects.count(), '; of', user.organisation, ':',
      Participant.objects.filter(organisation=user.organisation).count())
client = signed_in_client(user)
url = reverse('placements:participant-list')
for label, query in [('plain', ''), ('filtered', '?status=active&follow_up=overdue'), ('sorted by registration', '?sort=registered'),
                     ('search', '?q=01'), ('sorted by next follow-up', '?sort=follow_up'), ('page 20', '?page=20')]:
    client.get(url + query)  # warm
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url + query)
            times.append((time.perf_counter() - started) * 1000)
    print(f'{label:28} status {response.status_code}  queries {len(queries)}  median {statistics.median(times):.0f} ms  max {max(times):.0f} ms')
"
