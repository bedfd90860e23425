//! A tiny in-test cluster: messages are delivered instantly at one shared
//! time, and a test can cut links, drop or hold back chosen messages, crash
//! and restart nodes, and fire any timer by hand.

use crate::raft::*;
use crate::sorted::{SortedMap, SortedSet};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Decides whether a message is lost; it may also edit the message.
pub(super) type DropRule = Box<dyn Fn(&mut Envelope) -> bool>;

pub(super) struct Cluster {
    pub(super) config: Config,
    pub(super) nodes: SortedMap<NodeId, Option<Node>>,
    pub(super) disks: SortedMap<NodeId, PersistentState>,
    pub(super) now: Time,
    pub(super) queue: VecDeque<Envelope>,
    pub(super) cut: SortedSet<(NodeId, NodeId)>,
    pub(super) drop_rule: Option<DropRule>,
    pub(super) events: Vec<(NodeId, Event)>,
    pub(super) replies: Vec<(NodeId, ClientReply)>,
    pub(super) next_request: RequestId,
}

pub(super) fn n(i: u8) -> NodeId {
    NodeId(i)
}

pub(super) fn set(ids: &[u8]) -> SortedSet<NodeId> {
    ids.iter().map(|i| NodeId(*i)).collect()
}

pub(super) fn put(key: &str, value: i64) -> Op {
    Op::Set {
        key: key.into(),
        value,
    }
}

/// The default settings with teaching fault `fault` on, if any.
pub(super) fn config_with(fault: Option<Fault>) -> Config {
    Config {
        faults: fault.map_or_else(Faults::default, Faults::only),
        ..Config::default()
    }
}

impl Cluster {
    /// `size` founding voters N1..Nsize with the default settings and
    /// teaching fault `fault` on, if any (the tests of what a fault breaks
    /// run once with it and once without).
    pub(super) fn with_fault(size: u8, fault: Option<Fault>) -> Cluster {
        Cluster::new(size, config_with(fault))
    }

    /// `size` founding voters N1..Nsize with `config`.
    pub(super) fn new(size: u8, config: Config) -> Cluster {
        let members = Configuration::of_voters((1..=size).map(NodeId));
        let disks = (1..=size)
            .map(|i| (n(i), PersistentState::bootstrap(members.clone())))
            .collect();
        Cluster::from_disks(config, disks)
    }

    pub(super) fn from_disks(config: Config, disks: SortedMap<NodeId, PersistentState>) -> Cluster {
        let mut c = Cluster {
            config,
            nodes: SortedMap::new(),
            disks: SortedMap::new(),
            now: Time::ZERO,
            queue: VecDeque::new(),
            cut: SortedSet::new(),
            drop_rule: None,
            events: Vec::new(),
            replies: Vec::new(),
            next_request: 1,
        };
        for (id, disk) in disks {
            c.disks.insert(id, disk);
            c.restart(id);
        }
        c
    }

    pub(super) fn node(&self, id: NodeId) -> &Node {
        self.nodes[&id].as_ref().expect("node is up")
    }

    pub(super) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        self.nodes
            .get_mut(&id)
            .and_then(|n| n.as_mut())
            .expect("node is up")
    }

    pub(super) fn collect(&mut self, id: NodeId) {
        let Some(node) = self.nodes.get_mut(&id).and_then(|n| n.as_mut()) else {
            return;
        };
        while let Some(m) = node.poll_message() {
            self.queue.push_back(m);
        }
        while let Some(r) = node.poll_reply() {
            self.replies.push((id, r));
        }
        while let Some(e) = node.poll_event() {
            self.events.push((id, e));
        }
    }

    /// Delivers queued messages (and those they cause) until quiet.
    pub(super) fn deliver_all(&mut self) {
        let mut budget = 100_000;
        while let Some(mut env) = self.queue.pop_front() {
            budget -= 1;
            assert!(budget > 0, "message storm");
            if self.cut.contains(&(env.from, env.to))
                || self.drop_rule.as_ref().is_some_and(|f| f(&mut env))
            {
                continue;
            }
            let now = self.now;
            if let Some(Some(node)) = self.nodes.get_mut(&env.to) {
                node.handle_message(now, env.from, env.message);
                self.collect(env.to);
            }
        }
    }

    /// Advances time by `us` and fires every timer that is due, then delivers.
    pub(super) fn elapse(&mut self, us: u64) {
        self.now = self.now.plus(us);
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for id in ids {
            let now = self.now;
            if let Some(Some(node)) = self.nodes.get_mut(&id) {
                if node.poll_timeout() <= now {
                    node.handle_timeout(now);
                }
            }
            self.collect(id);
        }
        self.deliver_all();
    }

    /// Runs time forward in 1 ms steps for `ms` milliseconds.
    pub(super) fn run_ms(&mut self, ms: u64) {
        for _ in 0..ms {
            self.elapse(1_000);
        }
    }

    /// Makes `id`'s election timer fire now (time jumps to its deadline).
    pub(super) fn fire_election_timer(&mut self, id: NodeId) {
        self.now = self.now.max(self.node(id).election_deadline());
        let now = self.now;
        self.node_mut(id).handle_timeout(now);
        self.collect(id);
    }

    /// `id` times out, campaigns, and every message is delivered.
    pub(super) fn campaign(&mut self, id: NodeId) {
        self.fire_election_timer(id);
        self.deliver_all();
    }

    /// `id` wins an election; the test fails if it does not.
    pub(super) fn elect(&mut self, id: NodeId) {
        self.campaign(id);
        assert_eq!(self.node(id).role(), Role::Leader, "{id} should have won");
    }

    /// The leader's heartbeat timer fires now.
    pub(super) fn heartbeat(&mut self, leader: NodeId) {
        self.now = self.now.max(self.node(leader).heartbeat_deadline());
        let now = self.now;
        self.node_mut(leader).handle_timeout(now);
        self.collect(leader);
        self.deliver_all();
    }

    pub(super) fn propose(&mut self, id: NodeId, op: Op) -> RequestId {
        let request = self.next_request;
        self.next_request += 1;
        let now = self.now;
        self.node_mut(id).propose(
            now,
            request,
            Command {
                client: 1,
                seq: request,
                op,
            },
        );
        self.collect(id);
        request
    }

    pub(super) fn read(&mut self, id: NodeId, key: &str, mode: ReadMode) -> RequestId {
        let request = self.next_request;
        self.next_request += 1;
        let now = self.now;
        self.node_mut(id).read(now, request, key.into(), mode);
        self.collect(id);
        request
    }

    pub(super) fn reply(&self, request: RequestId) -> Option<&Answer> {
        self.replies
            .iter()
            .find(|(_, r)| r.request == request)
            .map(|(_, r)| &r.answer)
    }

    pub(super) fn crash(&mut self, id: NodeId) {
        let node = self
            .nodes
            .get_mut(&id)
            .and_then(|n| n.take())
            .expect("node is up");
        self.disks.insert(id, node.persistent_state().clone());
    }

    pub(super) fn restart(&mut self, id: NodeId) {
        let disk = self.disks[&id].clone();
        let node = Node::new(
            id,
            self.config.clone(),
            disk,
            1000 + u64::from(id.0),
            self.now,
        );
        self.nodes.insert(id, Some(node));
        self.collect(id);
    }

    pub(super) fn isolate(&mut self, id: NodeId) {
        for other in self.nodes.keys().copied().collect::<Vec<_>>() {
            if other != id {
                self.cut.insert((id, other));
                self.cut.insert((other, id));
            }
        }
    }

    /// Restores both directions of the link between `a` and `b`.
    pub(super) fn reconnect(&mut self, a: NodeId, b: NodeId) {
        self.cut.remove(&(a, b));
        self.cut.remove(&(b, a));
    }

    /// Cuts both directions of the link between `a` and `b`.
    pub(super) fn disconnect(&mut self, a: NodeId, b: NodeId) {
        self.cut.insert((a, b));
        self.cut.insert((b, a));
    }

    /// From now on, messages from `from` to `to` that match `pick` are held
    /// back instead of delivered; the returned store holds them, to be
    /// delivered late with [`Cluster::deliver_late`].
    pub(super) fn hold_back(
        &mut self,
        from: NodeId,
        to: NodeId,
        pick: fn(&Message) -> bool,
    ) -> Rc<RefCell<Vec<Envelope>>> {
        let held = Rc::new(RefCell::new(Vec::new()));
        let store = held.clone();
        self.drop_rule = Some(Box::new(move |e| {
            let hold = e.from == from && e.to == to && pick(&e.message);
            if hold {
                store.borrow_mut().push(e.clone());
            }
            hold
        }));
        held
    }

    /// Delivers a message that was held back, now, and what it causes.
    pub(super) fn deliver_late(&mut self, envelope: Envelope) {
        self.queue.push_back(envelope);
        self.deliver_all();
    }

    /// An operator forces `id`'s election timeout now.
    pub(super) fn force_timeout(&mut self, id: NodeId) {
        let now = self.now;
        self.node_mut(id).force_election_timeout(now);
        self.collect(id);
        self.deliver_all();
    }

    /// Sets the shared clock to `t` without firing any timer.
    pub(super) fn set_time(&mut self, t: Time) {
        assert!(t >= self.now, "time never goes back");
        self.now = t;
    }

    pub(super) fn heal(&mut self) {
        self.cut.clear();
        self.drop_rule = None;
    }

    pub(super) fn terms(&self, id: NodeId) -> Vec<Term> {
        let log = self.node(id).log();
        (log.first_index()..=log.last_index())
            .map(|i| log.term_at(i).unwrap())
            .collect()
    }

    pub(super) fn events_of(&self, id: NodeId) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(move |(who, _)| *who == id)
            .map(|(_, e)| e)
    }

    pub(super) fn leaders(&self) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter_map(|(id, n)| n.as_ref().filter(|n| n.role() == Role::Leader).map(|_| *id))
            .collect()
    }
}

/// A disk holding a log with these entry terms and the given current term.
pub(super) fn disk_with(
    members: &Configuration,
    term: Term,
    log_terms: &[Term],
) -> PersistentState {
    let mut disk = PersistentState::bootstrap(members.clone());
    disk.term = term;
    for t in log_terms {
        disk.log.append(*t, Payload::Noop);
    }
    disk
}
