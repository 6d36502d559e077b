"""Great-circle distances in metres, vectorised."""

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
# Metres in a degree of latitude (and of longitude at the equator), and the fewest metres a
# degree of longitude spans below 60° of latitude: boxes built with it never fall short there.
METRES_PER_DEGREE = 111_320.0
METRES_PER_DEGREE_AT_60 = METRES_PER_DEGREE / 2


def haversine_m(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Distance in metres from each (lon, lat) to (lon0, lat0) on a spherical Earth."""
    phi, phi0 = np.radians(lat), np.radians(lat0)
    half_dphi, half_dlambda = (phi - phi0) / 2, np.radians(np.asarray(lon) - lon0) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi) * np.cos(phi0) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
