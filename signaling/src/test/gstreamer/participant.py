#!/usr/bin/python3
"""A GStreamer webrtcbin participant for javameet's browser tests (GStreamerParticipant.java).

What recorders, gateways and bots are built on, speaking docs/protocol.md: it joins a room over the
WebSocket, publishes a VP8 test pattern and an Opus tone on a max-bundle publish connection (webrtcbin
offers the video section bundle-only), and answers the server's subscribe offers, decoding every video and
counting every audio buffer it receives. Once a second it prints one JSON line on stdout:
{"state": "joined", "participantId": "p..", "published": true,
 "received": {"<participantId>": {"videoFrames": n, "audioBuffers": n}}}

    /usr/bin/python3 participant.py ws://127.0.0.1:8080/ws ROOM NAME

Needs Debian's python3-gi, gir1.2-gst-plugins-bad-1.0, gir1.2-soup-3.0, gstreamer1.0-plugins-{base,good,bad}
and gstreamer1.0-nice. Stops at end of stdin or on SIGTERM.
"""
import json
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("Soup", "3.0")
from gi.repository import GLib, GObject, Gst, GstSdp, GstWebRTC, Soup  # noqa: E402

Gst.init(None)


def warm_up_pad_class():
    """PyGObject makes the Python class of webrtcbin's private src-pad type the first time it wraps one. The
    first ones arrive in pad-added on streaming threads, audio and video at once, and a class made in that race
    can come out as no Gst.Pad ("TypeError: argument 1: Must be Gst.Pad, not GstWebRTCBinSrcPad", seen once
    on a busy machine). Make the class here, on the main thread, before any pad arrives."""
    Gst.ElementFactory.make("webrtcbin")  # loads the plugin, which registers the type
    pad = GObject.new(GObject.type_from_name("GstWebRTCBinSrcPad"), direction=Gst.PadDirection.SRC)
    assert isinstance(pad, Gst.Pad)


warm_up_pad_class()

URL, ROOM, NAME = sys.argv[1], sys.argv[2], sys.argv[3]

# The publisher: a moving test pattern as VP8 and a tone as Opus, small and cheap (two cores, many browsers).
PUBLISH = (
    "webrtcbin name=pub bundle-policy=max-bundle "
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert ! "
    "vp8enc deadline=1 cpu-used=8 target-bitrate=300000 keyframe-max-dist=30 ! rtpvp8pay pt=96 ! "
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! pub. "
    "audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! opusenc ! rtpopuspay pt=111 ! "
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! pub."
)


class Participant:
    def __init__(self):
        self.loop = GLib.MainLoop()
        self.session = Soup.Session()
        self.ws = None
        self.state = "connecting"
        self.participant_id = None
        self.published = False
        self.received = {}  # participantId -> {"videoFrames": n, "audioBuffers": n}
        self.mid_owner = {}  # subscribe mid -> participantId
        self.pub_pipe = None
        self.sub_pipe = None
        self.sub = None
        self.pending_version = None

    # ---- signaling ----
    def start(self):
        msg = Soup.Message.new("GET", URL)
        self.session.websocket_connect_async(msg, None, None, GLib.PRIORITY_DEFAULT, None, self.on_connected)
        GLib.timeout_add_seconds(1, self.report)
        GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT,
                          GLib.IOCondition.IN | GLib.IOCondition.HUP, self.on_stdin)
        self.loop.run()

    def on_stdin(self, channel, condition):
        if channel.readline() == "":
            self.stop()
            return False
        return True

    def on_connected(self, session, result):
        try:
            self.ws = session.websocket_connect_finish(result)
        except GLib.Error as e:
            print(f"[gstreamer] cannot connect: {e.message}", file=sys.stderr, flush=True)
            self.state = "error"
            return
        self.ws.connect("message", self.on_message)
        self.ws.connect("closed", lambda ws: setattr(self, "state", "closed"))

    def send(self, obj):
        self.ws.send_text(json.dumps(obj))

    def on_message(self, ws, kind, data):
        msg = json.loads(data.get_data().decode())
        t = msg.get("type")
        if t == "welcome":
            self.state = "joining"
            self.send({"type": "join", "room": ROOM, "displayName": NAME})
        elif t == "joined":
            self.state = "joined"
            self.participant_id = msg["you"]["id"]
            self.start_publishing()
        elif t == "publishAnswer":
            answer = self.sdp(msg["sdp"], GstWebRTC.WebRTCSDPType.ANSWER)
            self.pub.emit("set-remote-description", answer, Gst.Promise.new())
            self.published = True
        elif t == "subscribeOffer":
            for track in msg.get("tracks", []):
                self.mid_owner[track["mid"]] = track["participantId"]
            self.pending_version = msg["version"]
            self.answer_subscribe(msg["sdp"])
        elif t == "error":
            print(f"[gstreamer] server error: {msg}", file=sys.stderr, flush=True)

    @staticmethod
    def sdp(text, kind):
        _, message = GstSdp.SDPMessage.new_from_text(text)
        return GstWebRTC.WebRTCSessionDescription.new(kind, message)

    # ---- publish connection: we offer ----
    def start_publishing(self):
        self.pub_pipe = Gst.parse_launch(PUBLISH)
        self.pub = self.pub_pipe.get_by_name("pub")
        self.pub.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.pub_pipe.set_state(Gst.State.PLAYING)

    def on_negotiation_needed(self, element):
        for i in range(2):  # send-only: the server never sends on the publish connection
            t = element.emit("get-transceiver", i)
            if t is not None:
                t.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        element.emit("create-offer", None, Gst.Promise.new_with_change_func(self.on_offer_created, element))

    def on_offer_created(self, promise, element):
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply is not None and reply.has_field("offer") else None
        if offer is None:
            print(f"[gstreamer] create-offer failed: {reply.to_string() if reply else None}", file=sys.stderr, flush=True)
            return
        element.emit("set-local-description", offer, Gst.Promise.new())
        # webrtcbin has no trickle towards an ICE-lite server: wait for gathering, then send the full offer.
        GLib.timeout_add(300, self.send_offer_when_gathered, element)

    def send_offer_when_gathered(self, element):
        if element.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            return True
        sdp = element.get_property("local-description").sdp.as_text()
        GLib.idle_add(lambda: self.send({"type": "publishOffer", "sdp": sdp}) and False)
        return False

    # ---- subscribe connection: the server offers ----
    def answer_subscribe(self, text):
        if self.sub is None:
            self.sub_pipe = Gst.Pipeline.new("subscribe")
            self.sub = Gst.ElementFactory.make("webrtcbin", "sub")
            self.sub.set_property("bundle-policy", GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
            self.sub_pipe.add(self.sub)
            self.sub.connect("pad-added", self.on_incoming)
            self.sub_pipe.set_state(Gst.State.PLAYING)
        offer = self.sdp(text, GstWebRTC.WebRTCSDPType.OFFER)
        self.sub.emit("set-remote-description", offer,
                      Gst.Promise.new_with_change_func(self.on_remote_set, None))

    def on_remote_set(self, promise, _):
        reply = promise.get_reply()
        if reply is not None and reply.has_field("error"):
            print(f"[gstreamer] subscribe offer refused: {reply.get_value('error').message}", file=sys.stderr, flush=True)
            return
        self.sub.emit("create-answer", None, Gst.Promise.new_with_change_func(self.on_answer_created, None))

    def on_answer_created(self, promise, _):
        reply = promise.get_reply()
        answer = reply.get_value("answer") if reply is not None and reply.has_field("answer") else None
        if answer is None:
            print(f"[gstreamer] create-answer failed: {reply.to_string() if reply else None}", file=sys.stderr, flush=True)
            return
        self.sub.emit("set-local-description", answer, Gst.Promise.new())
        version = self.pending_version
        GLib.timeout_add(300, self.send_answer_when_gathered, version)

    def send_answer_when_gathered(self, version):
        if self.sub.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            return True
        sdp = self.sub.get_property("local-description").sdp.as_text()
        self.send({"type": "subscribeAnswer", "sdp": sdp, "version": version})
        return False

    def on_incoming(self, element, pad):
        if pad.direction != Gst.PadDirection.SRC:
            return
        mid = pad.get_property("transceiver").get_property("mid")
        owner = self.mid_owner.get(mid, "mid" + str(mid))
        counts = self.received.setdefault(owner, {"videoFrames": 0, "audioBuffers": 0})
        caps = pad.get_current_caps() or pad.query_caps(None)
        media = caps.get_structure(0).get_string("media")
        if media == "video":
            chain = "rtpvp8depay ! vp8dec ! fakesink name=sink sync=false signal-handoffs=true"
            key = "videoFrames"
        else:
            chain = "rtpopusdepay ! opusdec ! fakesink name=sink sync=false signal-handoffs=true"
            key = "audioBuffers"
        bin_ = Gst.parse_bin_from_description("queue ! " + chain, True)
        sink = bin_.get_by_name("sink")
        sink.connect("handoff", lambda *args: counts.__setitem__(key, counts[key] + 1))
        self.sub_pipe.add(bin_)
        bin_.sync_state_with_parent()
        pad.link(bin_.get_static_pad("sink"))

    # ---- reporting ----
    def report(self):
        print(json.dumps({"state": self.state, "participantId": self.participant_id,
                          "published": self.published, "received": self.received}), flush=True)
        return True

    def stop(self):
        for pipe in (self.pub_pipe, self.sub_pipe):
            if pipe is not None:
                pipe.set_state(Gst.State.NULL)
        if self.ws is not None and self.ws.get_state() == Soup.WebsocketState.OPEN:
            self.ws.close(1000, None)
        self.loop.quit()


if __name__ == "__main__":
    Participant().start()
