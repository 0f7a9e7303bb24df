using System.Text;
using KokuhoRules.Engine.Storage;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Engine.Storage;

/// <summary>
/// <see cref="AtomicFiles"/>, the one way a command writes a file: an earlier file of the name is replaced only by a finished
/// one, every file of a set appears together or none does, and nothing partial is left behind after a failure.
/// </summary>
public sealed class AtomicFilesTests
{
    [Fact]
    public void Until_commit_the_earlier_files_are_whole_and_the_new_ones_are_written_beside_them()
    {
        using var folder = new TempFolder();
        var (a, b) = (folder.File("a.jsonl"), folder.File("b.csv"));
        File.WriteAllText(a, "old a\n");

        using (var files = new AtomicFiles())
        {
            files.CreateText(a).Write("new a\n");
            files.CreateText(b, bom: true).Write("区分,額\n");
            Assert.Equal("old a\n", File.ReadAllText(a));
            Assert.False(File.Exists(b));
            Assert.True(File.Exists(a + AtomicFiles.PartialSuffix));

            files.Commit();
        }

        Assert.Equal("new a\n", File.ReadAllText(a));
        Assert.Equal([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("区分,額\n")], File.ReadAllBytes(b));
        Assert.Equal(["a.jsonl", "b.csv"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_set_abandoned_by_an_error_leaves_the_earlier_files_as_they_were_and_no_partial_file()
    {
        using var folder = new TempFolder();
        var (a, b) = (folder.File("a.jsonl"), folder.File("b.jsonl"));
        File.WriteAllText(a, "old a\n");

        var thrown = Assert.Throws<InvalidOperationException>((Action)(() =>
        {
            using var files = new AtomicFiles();
            files.CreateText(a).Write("half of a");
            files.Create(b).Write("half of b"u8);
            throw new InvalidOperationException("interrupted");
        }));

        Assert.Equal("interrupted", thrown.Message);
        Assert.Equal("old a\n", File.ReadAllText(a));
        Assert.Equal(["a.jsonl"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_all_bytes_replaces_a_file_whole_and_a_set_is_committed_once()
    {
        using var folder = new TempFolder();
        var path = folder.File("solved-parameters.json");
        File.WriteAllText(path, "{}");

        AtomicFiles.WriteAllBytes(path, "{\"rates\":{}}"u8);

        Assert.Equal("{\"rates\":{}}", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder.Path));
        var files = new AtomicFiles();
        files.CreateText(folder.File("x.txt")).Write("x");
        files.Commit();
        Assert.Throws<ObjectDisposedException>(() => files.Commit());
        Assert.Throws<ObjectDisposedException>(() => files.Create(folder.File("y.txt")));
        files.Dispose();
        Assert.Equal("x", File.ReadAllText(folder.File("x.txt")));
    }
}
