import os

from django.core.wsgi import get_wsgi_application

# A server started without DJANGO_SETTINGS_MODULE runs with production settings, which refuse to start without
# a real secret key, database and hosts: never with DEBUG on and the development key. (manage.py, for a
# developer's machine, keeps the development settings.)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
