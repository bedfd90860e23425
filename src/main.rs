fn main() {
    raftlab::start();
}
