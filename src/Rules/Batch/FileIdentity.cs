using System.Runtime.InteropServices;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// Whether two paths name the same file: the same full path, or (on Linux, through a hard or symbolic
/// link) the same device and inode. A command checks this before it opens anything for writing, so that it
/// never writes over its own input.
/// </summary>
public static class FileIdentity
{
    /// <summary>The SHA-256 of a file's bytes, lower-case hex: how a stored run names the input it read.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are the same file; false when they differ or one does not exist.</summary>
    public static bool Same(string a, string b)
    {
        var fullA = Path.GetFullPath(a);
        var fullB = Path.GetFullPath(b);
        if (string.Equals(fullA, fullB, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)) return true;
        return Inode(fullA) is { } ia && Inode(fullB) is { } ib && ia == ib;
    }

    /// <summary>(device, inode) of an existing file on Linux (following links); null elsewhere or when it does not exist.</summary>
    private static (ulong Device, ulong Inode)? Inode(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return null;
        // struct stat begins with st_dev and st_ino (8 bytes each) on every 64-bit Linux ABI; the buffer is larger than the struct.
        var buffer = new byte[256];
        try
        {
            if (Stat(path, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this assembly for one call
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
