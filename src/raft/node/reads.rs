//! Client requests at a node: writes proposed to the leader, and reads by
//! ReadIndex, by lease or unchecked (§8, thesis §6.4).

use super::*;

impl Node {
    /// A client asks to write. Only the leader accepts; the answer arrives
    /// through [`Node::poll_reply`] once the entry is applied (§5.3, §8).
    pub fn propose(&mut self, now: Time, request: RequestId, command: Command) {
        self.advance(now);
        if let Err(reason) = self.check_can_propose() {
            self.refuse(request, reason);
            return;
        }
        let index = self.leader_append(Payload::Command(command));
        self.pending_writes.insert(index, (request, self.disk.term));
        self.replicate_to_all();
        self.maybe_commit();
    }

    pub(super) fn check_can_propose(&self) -> Result<(), Refusal> {
        if self.role != Role::Leader {
            return Err(Refusal::NotLeader {
                leader_hint: self.leader,
            });
        }
        if self.transfer.is_some() {
            return Err(Refusal::TransferInProgress);
        }
        Ok(())
    }

    /// A client asks to read `key` in `mode`. The answer arrives through
    /// [`Node::poll_reply`], at once or after confirmation (§8, thesis §6.4).
    pub fn read(&mut self, now: Time, request: RequestId, key: String, mode: ReadMode) {
        self.advance(now);
        match mode {
            ReadMode::LocalAnyNode => {
                self.serve_read(request, key, mode, self.applied, Rule::UnsafeRead)
            }
            ReadMode::LeaderNoCheck => {
                if self.role == Role::Leader {
                    self.serve_read(request, key, mode, self.applied, Rule::UnsafeRead);
                } else {
                    self.refuse(
                        request,
                        Refusal::NotLeader {
                            leader_hint: self.leader,
                        },
                    );
                }
            }
            ReadMode::ReadIndex | ReadMode::Lease => {
                if self.role != Role::Leader {
                    self.refuse(
                        request,
                        Refusal::NotLeader {
                            leader_hint: self.leader,
                        },
                    );
                    return;
                }
                if self.config.faults.stale_local_read {
                    self.serve_read(
                        request,
                        key,
                        mode,
                        self.applied,
                        Rule::Fault(Fault::StaleLocalRead),
                    );
                    return;
                }
                if mode == ReadMode::Lease {
                    if let Err(reason) = self.lease_settings_allow() {
                        self.refuse(request, Refusal::NoLease { reason });
                        return;
                    }
                }
                self.pending_reads.push(PendingRead {
                    request,
                    key,
                    mode,
                    read_index: None,
                    round: None,
                });
                self.fix_read_indexes();
                self.serve_ready_reads();
            }
        }
    }

    /// Gives waiting reads their read index once the leader has committed an
    /// entry of its term (§8); ReadIndex reads also start a heartbeat round
    /// whose quorum acknowledgement proves the leader still leads.
    pub(super) fn fix_read_indexes(&mut self) {
        if !self.committed_in_term() || !self.pending_reads.iter().any(|r| r.read_index.is_none()) {
            return;
        }
        let commit = self.commit;
        let mut needs_round = false;
        for r in self
            .pending_reads
            .iter_mut()
            .filter(|r| r.read_index.is_none())
        {
            r.read_index = Some(commit);
            if r.mode == ReadMode::ReadIndex {
                r.round = Some(self.round + 1);
                needs_round = true;
            }
        }
        if needs_round {
            self.broadcast_round();
        }
    }

    /// Answers the reads whose read index is applied and, for ReadIndex,
    /// whose heartbeat round a quorum confirmed; a lease read is answered
    /// only under a valid lease, and refused with the reason otherwise.
    pub(super) fn serve_ready_reads(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let (applied, confirmed) = (self.applied, self.quorum_round);
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_reads)
            .into_iter()
            .partition(|r| {
                r.read_index.is_some_and(|i| i <= applied)
                    && r.round.is_none_or(|round| round <= confirmed)
            });
        self.pending_reads = waiting;
        for r in ready {
            let read_index = r.read_index.unwrap_or(applied);
            let rule = match r.mode {
                ReadMode::Lease => match self.lease_status() {
                    Ok(()) => Rule::Lease,
                    Err(reason) => {
                        self.refuse(r.request, Refusal::NoLease { reason });
                        continue;
                    }
                },
                _ => Rule::ReadIndex,
            };
            self.serve_read(r.request, r.key, r.mode, read_index, rule);
        }
    }

    /// Whether this node holds a lease it may serve reads under now, and if
    /// not, why (thesis §6.4.1).
    pub(super) fn lease_status(&self) -> Result<(), NoLeaseReason> {
        self.lease_settings_allow()?;
        if self.role != Role::Leader {
            return Err(NoLeaseReason::NeverHeld);
        }
        if self.lease_transferred {
            return Err(NoLeaseReason::Transfer);
        }
        if self.now < self.lease_until {
            return Ok(());
        }
        Err(if self.lease_settings_changed {
            NoLeaseReason::SettingsChanged
        } else if self.lease_until == Time::ZERO {
            NoLeaseReason::NeverHeld
        } else {
            NoLeaseReason::Expired {
                at: self.lease_until,
            }
        })
    }

    /// Whether the settings allow lease reads at all.
    pub(super) fn lease_settings_allow(&self) -> Result<(), NoLeaseReason> {
        if !self.config.check_quorum {
            Err(NoLeaseReason::NeedsCheckQuorum)
        } else if !self.config.lease_reads {
            Err(NoLeaseReason::Disabled)
        } else {
            Ok(())
        }
    }

    pub(super) fn serve_read(
        &mut self,
        request: RequestId,
        key: String,
        mode: ReadMode,
        read_index: LogIndex,
        rule: Rule,
    ) {
        let value = self.kv.get(&key);
        let applied = self.applied;
        self.emit(Event::ReadServed {
            request,
            key,
            value,
            mode,
            read_index,
            applied,
            rule,
        });
        self.out_replies.push_back(ClientReply {
            request,
            answer: Answer::Read { value },
        });
    }

    pub(super) fn refuse(&mut self, request: RequestId, reason: Refusal) {
        self.emit(Event::Refused {
            request,
            reason: reason.clone(),
        });
        self.out_replies.push_back(ClientReply {
            request,
            answer: Answer::Refused(reason),
        });
    }
}
