from django.contrib.gis.forms.widgets import OSMWidget


class OfflineMapWidget(OSMWidget):
    """The GeoDjango map widget with OpenLayers served by us and our own boundaries as basemap.

    Django's stock widgets load OpenLayers from a CDN and tiles from the internet; an admin
    without internet access would see no map.
    """

    template_name = "gis/voxpop-offline.html"
    default_zoom = 5
    default_lon = 2
    default_lat = 47

    class Media:
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")
