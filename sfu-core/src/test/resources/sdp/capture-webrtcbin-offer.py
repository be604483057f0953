#!/usr/bin/python3
"""Prints GStreamer webrtcbin's publish offer as signaling/src/test/gstreamer/participant.py makes it
(max-bundle, VP8 + Opus, send-only), after ICE gathering. Run in a network namespace with a veth address
(see test.sh): /usr/bin/python3 capture-webrtcbin-offer.py > webrtcbin-1.22-publish-offer.sdp"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import GLib, Gst, GstWebRTC  # noqa: E402

Gst.init(None)
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "signaling/src/test/gstreamer")
sys.argv = ["participant.py", "ws://unused", "room", "name"]
import participant  # noqa: E402

loop = GLib.MainLoop()
pipe = Gst.parse_launch(participant.PUBLISH)
pub = pipe.get_by_name("pub")


def on_offer(promise, _):
    reply = promise.get_reply()
    if reply is None or not reply.has_field("offer"):
        return  # webrtcbin asks twice while its pads link; the second offer is the one
    offer = reply.get_value("offer")
    pub.emit("set-local-description", offer, Gst.Promise.new())
    GLib.timeout_add(200, wait_gathered)


def wait_gathered():
    if pub.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
        return True
    sys.stdout.write(pub.get_property("local-description").sdp.as_text())
    loop.quit()
    return False


def on_negotiation_needed(element):
    for i in range(2):
        t = element.emit("get-transceiver", i)
        if t is not None:
            t.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
    element.emit("create-offer", None, Gst.Promise.new_with_change_func(on_offer, None))


pub.connect("on-negotiation-needed", on_negotiation_needed)
pipe.set_state(Gst.State.PLAYING)
GLib.timeout_add_seconds(20, loop.quit)
loop.run()
pipe.set_state(Gst.State.NULL)
