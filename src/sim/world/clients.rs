//! The simulated clients: operations invoked by hand or by the workload,
//! sent to a node, retried on a refusal, a hint or a timeout, and
//! answered; every one recorded for the linearizability checker.

use super::*;

impl World {
    /// Starts a client operation through `node`; returns its id.
    pub(super) fn invoke(
        &mut self,
        node: NodeId,
        kind: OpKind,
        mode: Option<ReadMode>,
        client: Option<usize>,
    ) -> Result<OpId, ActionError> {
        let client = match client {
            Some(c) => c,
            None => self.idle_client().ok_or(ActionError::TooManyClients)?,
        };
        let op = self.history.len() as OpId;
        let slot = &mut self.clients[client];
        slot.busy = true;
        let seq = if matches!(kind, OpKind::Write(_)) {
            slot.next_seq += 1;
            slot.next_seq
        } else {
            0
        };
        let client_id = slot.id;
        self.history.push(Arc::new(ClientOp {
            id: op,
            client: client_id,
            node,
            sent_to: node,
            kind,
            mode,
            invoked_at: self.now,
            outcome: Outcome::Pending,
        }));
        let request = self.next_request;
        self.next_request += 1;
        self.calls.insert(
            op,
            Call {
                op,
                client,
                seq,
                target: node,
                attempt: 1,
                request,
                maybe_effective: SortedSet::new(),
                redirected: false,
                round_robin: node,
            },
        );
        let latency = self.config.client.latency_us;
        self.schedule(
            self.now.plus(latency),
            CLASS_OTHER,
            Scheduled::Arrive {
                op,
                request,
                node,
                attempt: 1,
            },
        );
        self.schedule(
            self.now.plus(self.config.client.timeout_us),
            CLASS_OTHER,
            Scheduled::ClientTimeout { op, attempt: 1 },
        );
        Ok(op)
    }

    /// An idle client session (making one if needed), or `None` when
    /// [`MAX_CLIENTS`] are busy. Workload clients use the first slots.
    pub(super) fn idle_client(&mut self) -> Option<usize> {
        let reserved = self.workload.as_ref().map_or(0, |w| usize::from(w.clients));
        if let Some(i) = self.clients.iter().skip(reserved).position(|c| !c.busy) {
            return Some(i + reserved);
        }
        if self.clients.len() >= MAX_CLIENTS {
            return None;
        }
        self.ensure_clients(self.clients.len() + 1);
        Some(self.clients.len() - 1)
    }

    pub(super) fn ensure_clients(&mut self, n: usize) {
        while self.clients.len() < n {
            let id = self.clients.len() as ClientId + 1;
            self.clients.push(ClientSlot {
                id,
                next_seq: 0,
                busy: false,
            });
        }
    }

    pub(super) fn client_arrive(
        &mut self,
        op: OpId,
        request: RequestId,
        node: NodeId,
        attempt: u32,
    ) -> StepRecord {
        let up = self.is_up(node);
        let mut record = self.record(
            What::Request {
                op,
                node,
                attempt,
                delivered: up,
            },
            Some(node),
        );
        if !up {
            return record;
        }
        let local = self.local_now(node);
        let Some(call) = self.calls.get_mut(&op) else {
            return record;
        };
        let kind = self.history[op as usize].kind.clone();
        let mode = self.history[op as usize].mode;
        let client = self.clients[call.client].id;
        let seq = call.seq;
        let target = &mut self.slots[usize::from(node.0) - 1].node;
        match kind {
            OpKind::Write(op_) => {
                call.maybe_effective.insert(request);
                target.propose(
                    local,
                    request,
                    Command {
                        client,
                        seq,
                        op: op_,
                    },
                );
            }
            OpKind::Read { key } => {
                target.read(local, request, key, mode.unwrap_or(ReadMode::ReadIndex))
            }
        }
        self.drain(node, &mut record);
        record
    }

    pub(super) fn route_reply(&mut self, node: NodeId, request: RequestId, answer: Answer) {
        let Some(op) = self
            .calls
            .values()
            .find(|c| c.request == request || c.maybe_effective.contains(&request))
            .map(|c| c.op)
        else {
            return;
        };
        let at = self.now.plus(self.config.client.latency_us);
        self.schedule(
            at,
            CLASS_OTHER,
            Scheduled::Reply {
                op,
                request,
                node,
                answer,
            },
        );
    }

    pub(super) fn client_reply(
        &mut self,
        op: OpId,
        request: RequestId,
        node: NodeId,
        answer: Answer,
    ) -> Option<StepRecord> {
        let call = self.calls.get(&op)?.clone();
        let record = self.record(
            What::Reply {
                op,
                node,
                answer: answer.clone(),
            },
            Some(node),
        );
        let current = call.request == request;
        match answer {
            Answer::Written(result) => self.complete(
                op,
                node,
                Outcome::WriteOk {
                    result,
                    at: self.now,
                },
            ),
            Answer::Read { value } => self.complete(
                op,
                node,
                Outcome::ReadOk {
                    value,
                    at: self.now,
                },
            ),
            Answer::Refused(reason) => {
                if let Some(c) = self.calls.get_mut(&op) {
                    c.maybe_effective.remove(&request);
                }
                if current {
                    let redirected = self.calls.get(&op).is_some_and(|c| c.redirected);
                    let (target, delay) = match reason {
                        Refusal::NotLeader {
                            leader_hint: Some(l),
                        } if l != node && !redirected => (l, 0),
                        // A second stale hint in a row: back off.
                        Refusal::NotLeader {
                            leader_hint: Some(l),
                        } if l != node => (l, self.config.raft.election_timeout_min_us),
                        // No leader known: an election is probably under
                        // way, so wait about one election timeout.
                        Refusal::NotLeader { .. } => (
                            self.round_robin(op),
                            self.config.raft.election_timeout_min_us,
                        ),
                        _ => (node, self.config.raft.heartbeat_interval_us),
                    };
                    self.retry(op, target, delay);
                }
            }
            Answer::Uncertain(_) => {
                if current {
                    let target = self.round_robin(op);
                    self.retry(op, target, self.config.raft.heartbeat_interval_us);
                }
            }
        }
        Some(record)
    }

    pub(super) fn client_timeout(&mut self, op: OpId, attempt: u32) -> Option<StepRecord> {
        let call = self.calls.get(&op)?;
        if call.attempt != attempt {
            return None; // the client already moved on
        }
        let target = self.round_robin(op);
        let record = self.record(What::ClientTimeout { op, attempt }, None);
        self.retry(op, target, 0);
        Some(record)
    }

    /// Where a client tries next when it knows no leader: the node after
    /// the last one its round robin reached (not after the one a hint sent
    /// it to, see [`Call::round_robin`]).
    pub(super) fn round_robin(&mut self, op: OpId) -> NodeId {
        let slots = self.slots.len() as u8;
        match self.calls.get_mut(&op) {
            Some(call) => {
                call.round_robin = NodeId(call.round_robin.0 % slots + 1);
                call.round_robin
            }
            None => NodeId(1),
        }
    }

    pub(super) fn retry(&mut self, op: OpId, target: NodeId, delay_us: u64) {
        let max = self.config.client.max_attempts;
        let deadline = self.history[op as usize]
            .invoked_at
            .plus(self.config.client.give_up_after_us);
        let Some(call) = self.calls.get_mut(&op) else {
            return;
        };
        if call.attempt >= max || self.now.plus(delay_us) >= deadline {
            let outcome = if call.maybe_effective.is_empty() {
                Outcome::Failed { at: self.now }
            } else {
                Outcome::Unknown
            };
            let node = call.target;
            self.complete(op, node, outcome);
            return;
        }
        call.attempt += 1;
        call.redirected = delay_us == 0 && target != call.target;
        call.target = target;
        call.request = self.next_request;
        self.next_request += 1;
        let (request, attempt) = (call.request, call.attempt);
        let arrive = self.now.plus(delay_us + self.config.client.latency_us);
        self.schedule(
            arrive,
            CLASS_OTHER,
            Scheduled::Arrive {
                op,
                request,
                node: target,
                attempt,
            },
        );
        self.schedule(
            self.now.plus(delay_us + self.config.client.timeout_us),
            CLASS_OTHER,
            Scheduled::ClientTimeout { op, attempt },
        );
    }

    pub(super) fn complete(&mut self, op: OpId, node: NodeId, outcome: Outcome) {
        let Some(call) = self.calls.remove(&op) else {
            return;
        };
        self.clients[call.client].busy = false;
        if let Some(entry) = self.history.get_mut(op as usize) {
            let entry = Arc::make_mut(entry);
            entry.outcome = outcome;
            entry.node = node;
        }
    }

    /// Starts (or replaces) the workload; a new generation of ticks makes
    /// any tick already queued for the old one a no-op.
    pub(super) fn start_workload(&mut self, workload: Workload) {
        self.ensure_clients(usize::from(workload.clients));
        self.workload = Some(workload);
        self.workload_generation += 1;
        self.schedule(
            self.now.plus(1),
            CLASS_OTHER,
            Scheduled::WorkloadTick(self.workload_generation),
        );
    }

    pub(super) fn workload_tick(&mut self, generation: u64) -> Option<StepRecord> {
        if generation != self.workload_generation {
            return None;
        }
        let w = self.workload.clone()?;
        let gap = self
            .rng
            .range_inclusive(w.interval_us / 2, w.interval_us * 3 / 2)
            .max(1);
        self.schedule(
            self.now.plus(gap),
            CLASS_OTHER,
            Scheduled::WorkloadTick(generation),
        );
        let client = (0..usize::from(w.clients)).find(|c| !self.clients[*c].busy)?;
        let key = KEYS[self.rng.index(usize::from(w.keys))].to_string();
        let node = NodeId(self.rng.range_inclusive(1, self.slots.len() as u64) as u8);
        let (kind, mode) = if self.rng.chance(f64::from(w.read_permille) / 1000.0) {
            let mode = w.read_modes[self.rng.index(w.read_modes.len())];
            (OpKind::Read { key }, Some(mode))
        } else {
            let value = self.rng.range_inclusive(0, 99) as i64;
            let op = match self.rng.index(4) {
                0 => Op::Set { key, value },
                1 => Op::Increment {
                    key,
                    by: value % 5 + 1,
                },
                2 => Op::Delete { key },
                _ => Op::CompareAndSet {
                    key,
                    expected: (value % 2 == 0).then_some(value),
                    new: value + 1,
                },
            };
            (OpKind::Write(op), None)
        };
        let op = self.invoke(node, kind, mode, Some(client)).ok()?;
        Some(self.record(What::Invoked { op }, None))
    }
}
