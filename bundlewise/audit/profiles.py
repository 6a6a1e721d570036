"""Device and network profiles an audit runs under, matched to Lighthouse's.

Lighthouse's DevTools throttling (`--throttling-method=devtools`) cannot delay each round trip,
only each request, so it scales the nominal profile: request latency = RTT × 3.75, throughput ×
0.9. We apply the same numbers through the same DevTools calls, so that a page measured here and
by Lighthouse sees the same network.
"""

from __future__ import annotations

from dataclasses import dataclass

# Lighthouse's constants (`throttling.js`): DevTools throttles per request, not per round trip.
DEVTOOLS_RTT_FACTOR = 3.75
DEVTOOLS_THROUGHPUT_FACTOR = 0.9

# The user agent Lighthouse's mobile profile reports (a mid-range Android phone).
MOBILE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
DESKTOP_USER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@dataclass(frozen=True)
class Profile:
    name: str
    rtt_ms: float
    """Nominal round-trip time; requests are delayed by rtt_ms × 3.75 (see the module doc)."""
    down_kbps: float
    """Nominal download throughput in kbit/s (1 kbit = 1024 bits, as Lighthouse counts)."""
    up_kbps: float
    cpu_slowdown: float
    width: int
    height: int
    device_scale_factor: float
    mobile: bool
    user_agent: str

    @property
    def request_latency_ms(self) -> float:
        return self.rtt_ms * DEVTOOLS_RTT_FACTOR

    @property
    def download_bytes_per_s(self) -> float:
        return self.down_kbps * DEVTOOLS_THROUGHPUT_FACTOR * 1024 / 8

    @property
    def upload_bytes_per_s(self) -> float:
        return self.up_kbps * DEVTOOLS_THROUGHPUT_FACTOR * 1024 / 8

    def describe(self) -> str:
        net = f"{self.rtt_ms:g} ms RTT, {self.down_kbps / 1024:g} Mbit/s down"
        return f"{self.name} ({net}, CPU {self.cpu_slowdown:g}×, {self.width}×{self.height})"


PROFILES = {
    # Lighthouse's default: Slow 4G on a mid-range phone.
    "mobile": Profile("mobile", 150, 1.6 * 1024, 750, 4, 412, 823, 1.75, True, MOBILE_USER_AGENT),
    # Lighthouse's desktop preset: dense 4G on a desktop CPU.
    "desktop": Profile(
        "desktop", 40, 10 * 1024, 10 * 1024, 1, 1350, 940, 1, False, DESKTOP_USER_AGENT
    ),
}
