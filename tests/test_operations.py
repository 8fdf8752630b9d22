"""What an operator meets in the first hour: start-up, shutdown and what the gateway logs about them."""

from __future__ import annotations

import signal

from tests.helpers import McpClient, run, text_of


def test_an_expected_stop_does_not_warn(start_gateway) -> None:
    gw = start_gateway(workers=2)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            assert text_of(await c.bash("echo up")) == "up\n"  # the zygotes have forked shells

    run(main())
    assert gw.stop(signal.SIGINT) == 0  # Ctrl-C
    log = gw.stderr_path.read_text()
    stopping = log[log.index("draining:"):]
    assert "zygote exited" not in stopping, stopping
    assert " WARNING " not in stopping and " ERROR " not in stopping, stopping
