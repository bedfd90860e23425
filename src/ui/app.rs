//! The top-level component: owns the simulated world and the playback state,
//! advances the world once per animation frame, and lays out the screen.

use super::{
    cluster_view::{ClusterView, MessageView, NodeView},
    controls::Controls,
    frame_loop,
};
use crate::raft::Time;
use crate::sim::{World, WorldConfig};
use leptos::prelude::*;

/// The seed of the first screen's world.
const SEED: u64 = 1;

/// Simulated seconds per wall-clock second when the page opens: one simulated
/// second takes ten seconds to watch, so messages visibly fly, and the first
/// election (about half a simulated second) is over within a few seconds.
pub const DEFAULT_SPEED: f64 = 0.1;

/// What the screen shows of the world, copied out of it after each frame.
#[derive(Clone, Copy)]
pub struct Scene {
    /// Global simulated time.
    pub now: RwSignal<Time>,
    /// One entry per node, in id order.
    pub nodes: RwSignal<Vec<NodeView>>,
    /// Messages on the wire.
    pub messages: RwSignal<Vec<MessageView>>,
}

impl Scene {
    fn new(world: &World) -> Scene {
        Scene {
            now: RwSignal::new(world.now()),
            nodes: RwSignal::new(NodeView::all(world)),
            messages: RwSignal::new(MessageView::all(world)),
        }
    }

    /// Copies the world into the signals, touching only those that changed.
    fn refresh(&self, world: &World) {
        self.now.set(world.now());
        let nodes = NodeView::all(world);
        if self.nodes.with_untracked(|old| *old != nodes) {
            self.nodes.set(nodes);
        }
        let messages = MessageView::all(world);
        if self.messages.with_untracked(|old| *old != messages) {
            self.messages.set(messages);
        }
    }
}

/// Raftlab's whole screen: a header, the cluster drawing and the controls.
#[component]
pub fn App() -> impl IntoView {
    let world = StoredValue::new_local(World::new(WorldConfig::default(), SEED));
    let scene = world.with_value(Scene::new);
    let playing = RwSignal::new(true);
    let speed = RwSignal::new(DEFAULT_SPEED);
    let reduced_motion = frame_loop::prefers_reduced_motion();

    // Fractions of a microsecond carried over between frames, so slow speeds
    // do not lose time to rounding.
    let mut carry = 0.0_f64;
    frame_loop::start(move |elapsed_ms| {
        if !playing.get_untracked() {
            return;
        }
        let micros = elapsed_ms * 1000.0 * speed.get_untracked() + carry;
        let whole = micros.floor();
        carry = micros - whole;
        world.update_value(|w| {
            let target = w.now().plus(whole as u64);
            w.run_until(target);
        });
        world.with_value(|w| scene.refresh(w));
    });

    view! {
        <header class="site-header">
            <h1>"Raftlab"</h1>
            <p class="tagline">"An interactive lab for the Raft consensus protocol"</p>
        </header>
        <main class="lab">
            <ClusterView
                nodes=scene.nodes
                messages=scene.messages
                now=scene.now
                reduced_motion=reduced_motion
            />
            <Controls playing=playing speed=speed now=scene.now />
        </main>
    }
}
