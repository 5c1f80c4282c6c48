#include "diareid/core/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "diareid/core/error.h"

namespace diareid {
namespace {

[[noreturn]] void ThrowIo(const std::string& what,
                          const std::filesystem::path& path) {
  throw InternalError(what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) ThrowIo("cannot open folder", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) ThrowIo("cannot fsync folder", dir);
}

void WriteFileAtomic(const std::filesystem::path& path,
                     std::string_view bytes) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::random_device rd;
  std::ostringstream name;
  name << "." << path.filename().string() << ".tmp." << ::getpid() << "."
       << std::hex << rd();
  std::filesystem::path tmp = dir / name.str();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) ThrowIo("cannot create", tmp);
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      ThrowIo("cannot write", path);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    errno = saved;
    ThrowIo("cannot fsync", path);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    ThrowIo("cannot rename into", path);
  }
  SyncDirectory(dir);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read file " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) throw InputError("error while reading file " + path.string());
  return out.str();
}

std::filesystem::path DefaultDataDir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/')
    return std::filesystem::path(xdg) / "diareid";
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0')
    throw InputError(
        "neither XDG_DATA_HOME nor HOME is set: give the gallery with "
        "--gallery");
  return std::filesystem::path(home) / ".local" / "share" / "diareid";
}

}  // namespace diareid
