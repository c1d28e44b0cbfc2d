package org.camelopencode.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DirectoryQueueTest {

    private final DirectoryQueue queue = new DirectoryQueue();

    @Test
    void waitersGetTheDirectoryInTheOrderTheyAsked() {
        CompletableFuture<DirectoryQueue.Lease> first = queue.acquire(Path.of("/repo"));
        CompletableFuture<DirectoryQueue.Lease> second = queue.acquire(Path.of("/repo/."));
        CompletableFuture<DirectoryQueue.Lease> third = queue.acquire(Path.of("/repo"));
        CompletableFuture<DirectoryQueue.Lease> other = queue.acquire(Path.of("/other"));
        assertThat(first).isCompleted();
        assertThat(other).as("another directory does not wait").isCompleted();
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();

        first.join().close();
        first.join().close(); // twice releases once
        assertThat(second).isCompleted();
        assertThat(third).isNotDone();
        second.join().close();
        assertThat(third).isCompleted();
        third.join().close();
        other.join().close();
        assertThat(queue.held()).isZero();
    }

    @Test
    void aWaiterThatGaveUpIsSkipped() {
        CompletableFuture<DirectoryQueue.Lease> holder = queue.acquire(Path.of("/repo"));
        CompletableFuture<DirectoryQueue.Lease> impatient = queue.acquire(Path.of("/repo"));
        CompletableFuture<DirectoryQueue.Lease> patient = queue.acquire(Path.of("/repo"));
        impatient.cancel(false);

        holder.join().close();
        assertThat(patient).isCompleted();
        patient.join().close();
        assertThat(queue.held()).isZero();
        assertThat(queue.acquire(Path.of("/repo"))).as("free again").isCompleted();
    }
}
