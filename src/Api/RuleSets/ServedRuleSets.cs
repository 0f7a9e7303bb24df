using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Storage;
using Npgsql;

namespace KokuhoRules.Api.RuleSets;

/// <summary>
/// The rule sets the service serves (issue 16 item 6): read from the configured roots (default: the bundled rule sets) and,
/// with a database, from <c>ruleset_publications</c> first — every published layer the database holds is exported as
/// published (<see cref="RuleSetStore.Export"/>, each file checked against its seal as it is read) into a folder of the
/// service's own, read before the roots. The database is then the record of what is published: a folder's copy of the same
/// version with the same content is the same layer; with other content it is refused (<see cref="RuleSetLoader"/>).
/// <see cref="Reload"/> reads everything again and swaps the catalog at once: a publication on the staff page is served
/// from the next request, without a restart. Each request sees one catalog (it is resolved once per request scope).
/// </summary>
public sealed class ServedRuleSets : IDisposable
{
    private readonly IReadOnlyList<string> _roots;
    private readonly NpgsqlDataSource? _db;
    private readonly ILogger _logger;
    private readonly Lock _reload = new();
    private RuleSetCatalog? _current;
    private string? _exported, _before;

    /// <summary>The service's rule sets from <paramref name="roots"/> and, when <paramref name="db"/> is given, the database's publications.</summary>
    public ServedRuleSets(IReadOnlyList<string> roots, NpgsqlDataSource? db, ILogger<ServedRuleSets> logger) => (_roots, _db, _logger) = (roots, db, logger);

    /// <summary>The catalog served now (read on first use).</summary>
    public RuleSetCatalog Current => Volatile.Read(ref _current) ?? Reload();

    /// <summary>How many published layers the database gave at the last read (0 without a database).</summary>
    public int PublishedInDatabase { get; private set; }

    /// <summary>The latest publication the last read included (<see cref="RuleSetStore.LatestSeq"/>; 0 without a database or publication).</summary>
    public long PublishedSeq { get; private set; }

    /// <summary>
    /// With a database: reads the database's publications and the roots again when a publication was made since the last read
    /// (by <c>kokuho rulesets publish --db</c> or another instance's staff page); returns whether it did. Without a database, false.
    /// </summary>
    /// <exception cref="NpgsqlException">The database cannot be asked (the caller logs it and asks again later).</exception>
    public bool ReloadIfPublished()
    {
        if (_db is null || new RuleSetStore(_db).LatestSeq() <= PublishedSeq) return false;
        Reload();
        return true;
    }

    /// <summary>Reads the database's publications and the roots again and serves the result from now on; returns it.</summary>
    public RuleSetCatalog Reload()
    {
        lock (_reload)
        {
            var (exported, count, seq) = Export();
            var catalog = KokuhoRuleSets.Load(exported is null ? _roots : [exported, .. _roots]);
            // A catalog compiled everything it read, but the staff page scans its roots again: a request may still hold the
            // catalog just replaced, so its folder is kept until the next reload and only the one before is removed.
            Delete(_before);
            (_before, _exported, PublishedInDatabase, PublishedSeq) = (_exported, exported, count, seq);
            Volatile.Write(ref _current, catalog);
            return catalog;
        }
    }

    /// <summary>
    /// The database's publications as a rule-set root, how many, and the latest publication's number read before them (a
    /// publication made meanwhile is read again at the next check); none without a database (or when it cannot be read: logged).
    /// </summary>
    private (string? Folder, int Count, long Seq) Export()
    {
        if (_db is null) return (null, 0, 0);
        var folder = Path.Combine(Path.GetTempPath(), "kokuho-published-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var store = new RuleSetStore(_db);
            var seq = store.LatestSeq();
            return (folder, store.Export(folder), seq);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            _logger.LogWarning("The database has no ruleset_publications table (run 'kokuho db migrate'): only the rule-set folders are served");
            return (null, 0, 0);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _logger.LogError("The published rule sets could not be read from the database ({Error}): only the rule-set folders are served until the next reload", e.Message);
            return (null, 0, 0);
        }
    }

    private static void Delete(string? folder)
    {
        try
        {
            if (folder is not null && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // a temporary folder left behind is harmless
        }
    }

    /// <summary>Removes the exported folders.</summary>
    public void Dispose()
    {
        Delete(_before);
        Delete(_exported);
    }
}
