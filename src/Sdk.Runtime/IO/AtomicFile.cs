using System;
using System.IO;

namespace Sdk.Runtime.IO
{
    /// <summary>
    /// Writes a file through a temporary sibling that is renamed over the target when complete,
    /// so a crash or an exception mid-write never leaves a truncated file at the target path.
    /// </summary>
    internal static class AtomicFile
    {
        public static void Write(string path, Action<Stream> writeContent)
        {
            string fullPath = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(fullPath) ?? ".";
            // Same directory as the target: a rename within one file system is atomic.
            string temporaryPath = Path.Combine(
                directory, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    writeContent(stream);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporaryPath, fullPath, overwrite: true);
            }
            catch
            {
                TryDelete(temporaryPath);
                throw;
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: the original exception is the one worth reporting.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
