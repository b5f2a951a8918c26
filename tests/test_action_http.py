"""serving/action_http.py: one kept-alive session per event loop for the action server calls."""
import asyncio

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

import serving.tracker_store  # noqa: F401  (a module every server profile loads installs it)
from serving import action_http


def test_installed_by_the_server_modules():
    assert EndpointConfig.session is action_http.session


def test_calls_share_one_session_and_one_connection_and_survive_a_server_restart():
    async def scenario():
        peers = []

        async def webhook(request):
            peers.append(request.transport.get_extra_info("peername"))
            return web.json_response({"events": [], "responses": []})

        async def start(port=0):
            app = web.Application()
            app.router.add_post("/webhook", webhook)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", port)
            await site.start()
            return runner, site._server.sockets[0].getsockname()[1]

        runner, port = await start()
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == {"events": [], "responses": []}
        async with endpoint.session() as first, endpoint.session() as second:
            assert first is second and not first.closed
        assert not first.closed  # borrowed, not closed by `async with`
        assert len(peers) == 3 and len(set(peers)) == 1  # one kept-alive connection

        await runner.cleanup()  # the action server goes away, then comes back on the same port
        runner, _ = await start(port)
        assert await endpoint.request(json={}, method="post") == {"events": [], "responses": []}
        assert len(set(peers)) == 2
        await runner.cleanup()
        await action_http.close_sessions()  # what the server's after_server_stop listener does
        assert first.closed
        return first

    first_loop_session = asyncio.run(scenario())

    async def other_loop():
        async with EndpointConfig(url="http://127.0.0.1:1/webhook").session() as session:
            pass
        await action_http.close_sessions()
        return session

    assert asyncio.run(other_loop()) is not first_loop_session  # sessions belong to one loop
