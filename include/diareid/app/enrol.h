// Enrolment at sale: a stone's pictures become its fingerprint.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/app/session.h"

namespace diareid {

struct EnrolOptions {
  std::string stone_id;
  // Free-form metadata, such as the sale reference.
  nlohmann::json metadata = nlohmann::json::object();
  // Replace an existing enrolment (the old one stays in the history).
  bool re_enrol = false;
  PictureSource source;
};

struct EnrolResult {
  std::string stone_id;
  int pictures = 0;
  std::string model_id;
  // Other enrolled stones these pictures match (distance under threshold):
  // the same stone enrolled twice, or a returned stone sold again.
  std::vector<Candidate> look_alikes;
  StageTimes times;
};

// Checks every picture (strictly: one bad picture refuses the enrolment),
// embeds them and stores pictures, embeddings and references in one
// transaction. Throws InputError for a bad ID, an ID already enrolled
// without re_enrol, or an unusable picture.
EnrolResult Enrol(Session& session, const EnrolOptions& options);

nlohmann::json ToJson(const EnrolResult& result);

}  // namespace diareid
